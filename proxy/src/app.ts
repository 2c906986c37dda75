/**
 * `createApp(deps)`: the whole HTTP surface, with the backend injected so route tests run on a fake.
 * Security hooks run before routing, so an unknown route still needs the secret (no probing without it).
 */
import Fastify, { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCode, IErrorBody, IFieldError, STATUS_OF_CODE } from '../../contract/errors';
import { BackendError } from './backends/types';
import { BackendHolder } from './backends/select';
import { originAllowed, scrubCredentials, tokenMatches } from './security';
import { TOKEN_HEADER } from '../../contract/routes';
import { registerInfoRoutes } from './routes/info';
import { registerJobRoutes } from './routes/jobs';
import { registerStudyRoutes } from './routes/studies';
import { registerAnalysisRoutes } from './routes/analysis';
import { registerPipelineRoutes } from './routes/pipelines';
import { registerKfpRoutes } from './routes/kfp';
import { parseJsonBody } from './json-body';

export interface IAppDeps {
  token: string;
  backends: BackendHolder;
  versions: { proxy: string; node: string; clientNode: string };
  allowedOrigins?: string[];
  /** When non-empty, the only namespaces any route may touch. */
  namespaces?: string[];
  /** Root of the files the analysis route may read (the Jupyter root dir). */
  rootDir?: string;
  logger?: boolean;
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/naming-convention -- augments fastify's own interface name
  interface FastifyInstance {
    routeList: { method: string; url: string }[];
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  fields?: IFieldError[]
): FastifyReply {
  const body: IErrorBody = { error: { code, message, ...(fields ? { fields } : {}) } };
  return reply.code(STATUS_OF_CODE[code]).type('application/json').send(body);
}

function codeOfFastifyError(error: FastifyError): ErrorCode {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return 'too_large';
  }
  if (
    error.validation ||
    (error.statusCode ?? 500) === 400 ||
    error.code?.startsWith('FST_ERR_CTP')
  ) {
    return 'invalid_spec';
  }
  if (error.statusCode === 415) {
    return 'invalid_spec';
  }
  return 'internal';
}

export function createApp(deps: IAppDeps): FastifyInstance {
  const app = Fastify({
    bodyLimit: DEFAULT_BODY_LIMIT,
    logger: deps.logger
      ? {
          redact: [
            'req.headers.authorization',
            'req.headers.cookie',
            `req.headers["${TOKEN_HEADER}"]`
          ]
        }
      : false
  });
  const allowedOrigins = deps.allowedOrigins ?? [];
  // Every registered route, so tests can probe all of them (not a sample) for auth and origin checks.
  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', route => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') {
        routeList.push({ method, url: route.url });
      }
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const presented = request.headers[TOKEN_HEADER];
    scrubCredentials(request.headers);
    delete request.headers[TOKEN_HEADER];
    if (!tokenMatches(presented, deps.token)) {
      return sendError(reply, 'unauthorized', 'Missing or wrong workbench token.');
    }
    if (!originAllowed(request.method, request.headers, allowedOrigins)) {
      return sendError(
        reply,
        'forbidden',
        `Requests from origin ${request.headers.origin} are not allowed.`
      );
    }
  });

  // JupyterLab's request helper labels every request `application/json`, body or not (a DELETE, a retry):
  // an empty body is no body, not invalid JSON. See parseJsonBody for depth and prototype-like keys.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof BackendError) {
      return sendError(reply, error.code, error.message, error.fields);
    }
    const code = codeOfFastifyError(error);
    if (code === 'internal') {
      app.log.error(error);
      return sendError(reply, code, 'The workbench proxy hit an unexpected error; see its log.');
    }
    const message = code === 'too_large' ? 'The request body is too large.' : error.message;
    return sendError(reply, code, message);
  });

  registerInfoRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerStudyRoutes(app, deps);
  registerAnalysisRoutes(app, deps);
  registerPipelineRoutes(app, deps);
  registerKfpRoutes(app, deps);
  return app;
}
