/** Studies: validate (schema + cross-field rules) → backend → JSON; live list over server-sent events;
 * stop, budget and trial logs. Same shapes and errors as the job routes. */
import type { FastifyInstance } from 'fastify';
import { API } from '../../../contract/routes';
import { IStudyBudget, IStudySpec } from '../../../contract/study';
import { generateStudyName, validateStudySpec } from '../../../contract/study-schema';
import { BackendError } from '../backends/types';
import type { IAppDeps } from '../app';
import { checkName, checkNamespace, flagParam, intParam } from './params';
import { openTextStream, registerWatchRoute } from './stream';

const DEFAULT_TAIL = 1000;
const MAX_TAIL = 10000;
const BUDGET_FIELDS = ['maxTrialCount', 'parallelTrialCount', 'maxFailedTrialCount'] as const;

type NsParams = { ns: string };
type StudyParams = { ns: string; name: string };
type TrialParams = { ns: string; name: string; trial: string };

export function checkStudySpecBody(namespace: string, body: unknown): IStudySpec {
  const result = validateStudySpec(body);
  if (!result.ok) {
    throw new BackendError('invalid_spec', 'The study spec is invalid.', result.fields);
  }
  const spec = result.value;
  if (spec.namespace !== undefined && spec.namespace !== namespace) {
    throw new BackendError('invalid_spec', 'The spec names another namespace than the URL.', [
      { path: '/namespace', message: `must be "${namespace}" (the namespace in the URL) or absent` }
    ]);
  }
  return { ...spec, namespace, name: spec.name ?? generateStudyName() };
}

export function checkBudget(body: unknown): IStudyBudget {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BackendError('invalid_spec', 'The budget must be a JSON object.');
  }
  const fields = [];
  const budget: IStudyBudget = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(BUDGET_FIELDS as readonly string[]).includes(key)) {
      fields.push({
        path: `/${key}`,
        message: `cannot change after creation (only ${BUDGET_FIELDS.join(', ')})`
      });
    } else if (
      !Number.isInteger(value) ||
      (value as number) < (key === 'maxFailedTrialCount' ? 0 : 1)
    ) {
      fields.push({
        path: `/${key}`,
        message: `must be a whole number of at least ${key === 'maxFailedTrialCount' ? 0 : 1}`
      });
    } else {
      budget[key as (typeof BUDGET_FIELDS)[number]] = value as number;
    }
  }
  if (fields.length === 0 && Object.keys(budget).length === 0) {
    fields.push({ path: '/', message: `must set at least one of ${BUDGET_FIELDS.join(', ')}` });
  }
  if (fields.length > 0) {
    throw new BackendError('invalid_spec', 'The budget is invalid.', fields);
  }
  return budget;
}

export function registerStudyRoutes(app: FastifyInstance, deps: IAppDeps): void {
  const studies = () => deps.backends.current.studies;
  const base = `${API}/namespaces/:ns`;

  app.post<{ Params: NsParams }>(`${base}/studies`, async (request, reply) => {
    const ns = checkNamespace(deps, request.params.ns);
    const answer = await studies().create(ns, checkStudySpecBody(ns, request.body));
    return reply.code(answer.created ? 201 : 200).send(answer);
  });

  app.get<{ Params: NsParams }>(`${base}/studies`, async request => {
    return studies().list(checkNamespace(deps, request.params.ns));
  });

  app.get<{ Params: StudyParams }>(`${base}/studies/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return studies().get(ns, checkName('name', request.params.name));
  });

  app.delete<{ Params: StudyParams }>(`${base}/studies/:name`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    await studies().delete(ns, checkName('name', request.params.name));
    return { deleted: true };
  });

  app.post<{ Params: StudyParams }>(`${base}/studies/:name/stop`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    return studies().stop(ns, checkName('name', request.params.name));
  });

  app.patch<{ Params: StudyParams }>(`${base}/studies/:name/budget`, async request => {
    const ns = checkNamespace(deps, request.params.ns);
    const name = checkName('name', request.params.name);
    return studies().editBudget(ns, name, checkBudget(request.body));
  });

  app.get<{ Params: TrialParams; Querystring: Record<string, string> }>(
    `${base}/studies/:name/trials/:trial/logs`,
    async (request, reply) => {
      const ns = checkNamespace(deps, request.params.ns);
      const name = checkName('name', request.params.name);
      const trial = checkName('name', request.params.trial);
      const options = {
        tail: intParam(request.query.tail, DEFAULT_TAIL, MAX_TAIL),
        follow: flagParam(request.query.follow)
      };
      // Fail before the stream opens (unknown study or trial, forbidden) so the client gets a JSON error.
      const study = await studies().get(ns, name);
      if (!study.trials.some(t => t.name === trial)) {
        throw new BackendError('not_found', `Study "${name}" has no trial "${trial}".`);
      }
      const abort = new AbortController();
      const write = openTextStream(reply);
      request.raw.on('close', () => abort.abort());
      try {
        await studies().trialLogs(ns, name, trial, { ...options, signal: abort.signal }, write);
      } catch (e) {
        write(`\n[workbench] log stream ended: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      reply.raw.end();
    }
  );

  registerWatchRoute(app, deps, 'studies', studies);
}
