/** Training jobs: validate → backend → JSON; live list over the shared watch route; logs as streamed text. */
import type { FastifyInstance } from 'fastify';
import { API } from '../../../contract/routes';
import { ITrainingJobSpec } from '../../../contract/training';
import { generateJobName, validateTrainingJobSpec } from '../../../contract/training-schema';
import { BackendError } from '../backends/types';
import type { IAppDeps } from '../app';
import { checkName, checkNamespace, flagParam, intParam } from './params';
import { logEndLines, openTextStream, registerWatchRoute } from './stream';

const DEFAULT_TAIL = 1000;
const MAX_TAIL = 10000;

type NsParams = { ns: string };
type JobParams = { ns: string; name: string };

function checkSpec(namespace: string, body: unknown): ITrainingJobSpec {
  const result = validateTrainingJobSpec(body);
  if (!result.ok) {
    throw new BackendError('invalid_spec', 'The training job spec is invalid.', result.fields);
  }
  const spec = result.value;
  if (spec.namespace !== undefined && spec.namespace !== namespace) {
    throw new BackendError('invalid_spec', 'The spec names another namespace than the URL.', [
      { path: '/namespace', message: `must be "${namespace}" (the namespace in the URL) or absent` }
    ]);
  }
  return { ...spec, namespace, name: spec.name ?? generateJobName(spec) };
}

export function registerJobRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const jobs = () => deps.backends.current.jobs;
  const base = `${API}/namespaces/:ns`;

  app.post<{ Params: NsParams }>(`${base}/jobs`, async (request, reply) => {
    const ns = checkNamespace(deps, request.params.ns);
    const { job, created } = await jobs().create(ns, checkSpec(ns, request.body));
    return reply.code(created ? 201 : 200).send(job);
  });

  app.get<{ Params: NsParams }>(`${base}/jobs`, async request => {
    return jobs().list(checkNamespace(deps, request.params.ns));
  });

  app.get<{ Params: JobParams }>(`${base}/jobs/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return jobs().get(ns, checkName('name', request.params.name));
  });

  app.delete<{ Params: JobParams }>(`${base}/jobs/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    await jobs().delete(ns, checkName('name', request.params.name));
    return { deleted: true };
  });

  app.get<{ Params: JobParams }>(`${base}/jobs/:name/events`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return { items: await jobs().events(ns, checkName('name', request.params.name)) };
  });

  app.get<{ Params: JobParams; Querystring: Record<string, string> }>(
    `${base}/jobs/:name/logs`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const name = checkName('name', request.params.name);
      const { replica } = request.query;
      if (replica !== undefined && !/^[a-z0-9-]{1,63}$/.test(replica)) {
        throw new BackendError(
          'invalid_spec',
          `replica "${replica}" is not a replica name like worker-0`
        );
      }
      const options = {
        replica,
        tail: intParam(request.query.tail, DEFAULT_TAIL, MAX_TAIL),
        follow: flagParam(request.query.follow)
      };
      // Fail before the stream opens (unknown job, forbidden) so the client gets a JSON error.
      await jobs().get(ns, name);
      const abort = new AbortController();
      const write = openTextStream(reply);
      request.raw.on('close', () => abort.abort());
      try {
        await jobs().logs(ns, name, { ...options, signal: abort.signal }, write);
      } catch (e) {
        write(logEndLines(e));
      }
      reply.raw.end();
    }
  );

  registerWatchRoute(app, deps, 'jobs', jobs);
}
