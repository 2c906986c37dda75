/**
 * Pipelines and runs: compile a document, create runs (from a document, compiled here, or from an IR compiled
 * anywhere, e.g. by the kfp SDK), list, get, cancel, re-run, delete, step logs (streamed text), step output
 * previews and downloads, and the live list over server-sent events. Invalid documents answer 400 with JSON
 * pointers and node names, and nothing starts. Bodies keep the default 1 MiB cap: documents name their files
 * (the IR the proxy compiles embeds them), and an IR compiled elsewhere is as small as KFP needs it (etcd).
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ICompileRequest, ICreateRunRequest, IRerunRequest } from '../../../contract/pipeline';
import { API } from '../../../contract/routes';
import { BackendError, IPipelinesBackend } from '../backends/types';
import type { IAppDeps } from '../app';
import { compileDocument, rootRelative } from './pipeline-compile';
import { checkName, checkNamespace, flagParam, intParam } from './params';
import { openTextStream, registerWatchRoute } from './stream';

const DEFAULT_TAIL = 1000;
const MAX_TAIL = 10000;

type NsParams = { ns: string };
type RunParams = { ns: string; name: string };
type StepParams = RunParams & { task: string };

const TASK = /^[a-z0-9]([-a-z0-9_.]{0,126}[a-z0-9])?$/i;

function checkTask(task: string): string {
  if (!TASK.test(task)) {
    throw new BackendError('invalid_spec', `"${task}" is not a task name`);
  }
  return task;
}

function objectBody<T>(body: unknown): T {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new BackendError('invalid_spec', 'The request body must be a JSON object.');
  }
  return body as T;
}

function checkOptionalName(body: { name?: unknown }): string | undefined {
  if (body.name === undefined) {
    return undefined;
  }
  if (typeof body.name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(body.name)) {
    throw new BackendError('invalid_spec', 'The run name is invalid.', [
      {
        path: '/name',
        message: 'must be lower case letters, digits and "-", at most 63 characters'
      }
    ]);
  }
  return body.name;
}

/** `backend` and, for KFP, `experiment`: checked before anything is compiled or sent. */
function checkRunBackend(body: ICreateRunRequest): 'local' | 'kfp' {
  if (body.backend !== undefined && body.backend !== 'local' && body.backend !== 'kfp') {
    throw new BackendError('invalid_spec', 'Runs go to this machine or to Kubeflow Pipelines.', [
      { path: '/backend', message: 'must be "local" or "kfp"' }
    ]);
  }
  const experiment = body.experiment;
  if (
    experiment !== undefined &&
    (typeof experiment !== 'string' || !experiment.trim() || experiment.length > 128)
  ) {
    throw new BackendError('invalid_spec', 'The experiment name is invalid.', [
      { path: '/experiment', message: 'must be a non-empty name of at most 128 characters' }
    ]);
  }
  if (experiment !== undefined && body.backend !== 'kfp') {
    throw new BackendError('invalid_spec', 'Experiments are a Kubeflow Pipelines notion.', [
      { path: '/experiment', message: 'only with "backend": "kfp"' }
    ]);
  }
  return body.backend ?? 'local';
}

/** A KFP submission fails fast, with the connection's own words, when no KFP is usable. */
async function requireKfp(deps: IAppDeps): Promise<void> {
  const kfp = deps.backends.current.kfp;
  const connection = await kfp?.connection();
  // A refused identity is tried again: the call answers KFP's own refusal, or goes through (rotated token).
  if (connection?.state !== 'connected' && connection?.state !== 'unauthorized') {
    throw new BackendError(
      'unreachable',
      `Kubeflow Pipelines is not connected: ${connection?.message ?? 'this backend cannot submit to KFP.'}`
    );
  }
}

/** Retry and archive exist for KFP runs only; a backend without them says so. */
function kfpAction<K extends 'retry' | 'archive'>(
  backend: IPipelinesBackend,
  action: K
): NonNullable<IPipelinesBackend[K]> {
  const method = backend[action];
  if (!method) {
    throw new BackendError(
      'invalid_spec',
      `Runs of this backend cannot be ${action === 'retry' ? 'retried' : 'archived'}.`
    );
  }
  return method.bind(backend) as NonNullable<IPipelinesBackend[K]>;
}

export function registerPipelineRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const pipelines = () => deps.backends.current.pipelines;
  const base = `${API}/namespaces/:ns`;
  const rootDir = deps.rootDir ?? process.cwd();

  app.post(`${API}/pipelines/compile`, async request => {
    const body = objectBody<ICompileRequest>(request.body);
    return compileDocument(rootDir, body.spec, body.path);
  });

  app.post<{ Params: NsParams }>(`${base}/runs`, async (request, reply) => {
    const ns = checkNamespace(deps, request.params.ns);
    const body = objectBody<ICreateRunRequest>(request.body);
    const name = checkOptionalName(body);
    const backend = checkRunBackend(body);
    if (backend === 'kfp') {
      await requireKfp(deps);
    }
    if ((body.spec === undefined) === (body.ir === undefined)) {
      throw new BackendError(
        'invalid_spec',
        'Send a pipeline document (spec) or a compiled IR (ir).',
        [{ path: body.spec ? '/ir' : '/spec', message: 'give exactly one of spec and ir' }]
      );
    }
    if (
      body.parameters !== undefined &&
      (typeof body.parameters !== 'object' || Array.isArray(body.parameters))
    ) {
      throw new BackendError('invalid_spec', 'The run parameters must be an object.', [
        { path: '/parameters', message: 'must be an object of name → value' }
      ]);
    }
    const compiled = body.spec ? compileDocument(rootDir, body.spec, body.path) : undefined;
    const ir = compiled?.ir ?? body.ir;
    if (!ir || typeof ir !== 'object' || Array.isArray(ir)) {
      throw new BackendError('invalid_spec', 'The IR must be a KFP PipelineSpec object.', [
        { path: '/ir', message: 'must be an object' }
      ]);
    }
    const platformSpec = compiled ? compiled.platformSpec : body.platformSpec;
    const { run, created } = await pipelines().createRun(ns, {
      ir,
      ...(platformSpec ? { platformSpec } : {}),
      parameters: body.parameters ?? {},
      ...(name ? { name } : {}),
      ...(body.spec ? { spec: body.spec } : {}),
      ...(body.path ? { pipelinePath: rootRelative(rootDir, body.path) } : {}),
      ...(backend === 'kfp'
        ? { backend, ...(body.experiment ? { experiment: body.experiment } : {}) }
        : {})
    });
    return reply.code(created ? 201 : 200).send(run);
  });

  app.get<{ Params: NsParams }>(`${base}/runs`, async request => {
    return pipelines().list(checkNamespace(deps, request.params.ns));
  });

  app.get<{ Params: RunParams }>(`${base}/runs/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return pipelines().get(ns, checkName('name', request.params.name));
  });

  app.delete<{ Params: RunParams }>(`${base}/runs/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    await pipelines().delete(ns, checkName('name', request.params.name));
    return { deleted: true };
  });

  app.post<{ Params: RunParams }>(`${base}/runs/:name/cancel`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return pipelines().cancel(ns, checkName('name', request.params.name));
  });

  app.post<{ Params: RunParams }>(`${base}/runs/:name/retry`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return kfpAction(pipelines(), 'retry')(ns, checkName('name', request.params.name));
  });

  for (const [method, archived] of [
    ['POST', true],
    ['DELETE', false]
  ] as const) {
    app.route<{ Params: RunParams }>({
      method,
      url: `${base}/runs/:name/archive`,
      handler: async request => {
        const ns = checkNamespace(deps, request.params.ns);
        const archive = kfpAction(pipelines(), 'archive');
        return archive(ns, checkName('name', request.params.name), archived);
      }
    });
  }

  app.post<{ Params: RunParams }>(`${base}/runs/:name/rerun`, async (request, reply) => {
    const ns = checkNamespace(deps, request.params.ns);
    const body = objectBody<IRerunRequest & { name?: string }>(request.body ?? {});
    for (const field of ['fromTask', 'onlyTask'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') {
        throw new BackendError('invalid_spec', `${field} must be a task name.`, [
          { path: `/${field}`, message: 'must be a string' }
        ]);
      }
    }
    const name = checkOptionalName(body);
    const run = await pipelines().rerun(ns, checkName('name', request.params.name), {
      ...(body.fromTask ? { fromTask: body.fromTask } : {}),
      ...(body.onlyTask ? { onlyTask: body.onlyTask } : {}),
      ...(name ? { name } : {})
    });
    return reply.code(201).send(run);
  });

  app.get<{ Params: StepParams; Querystring: Record<string, string> }>(
    `${base}/runs/:name/steps/:task/logs`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const name = checkName('name', request.params.name);
      const task = checkTask(request.params.task);
      const options = {
        tail: intParam(request.query.tail, DEFAULT_TAIL, MAX_TAIL),
        follow: flagParam(request.query.follow)
      };
      // Fail before the stream opens (unknown run or step) so the client gets a JSON error.
      const run = await pipelines().get(ns, name);
      if (!run.steps.some(s => s.task === task)) {
        throw new BackendError('not_found', `Run "${name}" has no step "${task}".`);
      }
      const abort = new AbortController();
      const write = openTextStream(reply);
      request.raw.on('close', () => abort.abort());
      try {
        await pipelines().stepLogs(ns, name, task, { ...options, signal: abort.signal }, write);
      } catch (e) {
        write(`\n[workbench] log stream ended: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      reply.raw.end();
    }
  );

  app.get<{ Params: StepParams & { artifact: string }; Querystring: Record<string, string> }>(
    `${base}/runs/:name/steps/:task/outputs/:artifact`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const name = checkName('name', request.params.name);
      const task = checkTask(request.params.task);
      const artifact = checkTask(request.params.artifact);
      if (!flagParam(request.query.download)) {
        return pipelines().stepOutput(ns, name, task, artifact);
      }
      const file = await pipelines().stepOutputFile(ns, name, task, artifact);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(file.size))
        .header(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`
        )
        .send(createReadStream(file.path));
    }
  );

  registerWatchRoute(app, deps, 'runs', pipelines);
}
