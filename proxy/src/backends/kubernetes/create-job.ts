/**
 * Creating a job: the job object first, then its source ConfigMap owned by it (the ownerReference needs the
 * job's uid), and nothing left behind when the ConfigMap fails. Idempotent: a retried create answers the
 * existing job when the workbench made it from an equal spec.
 */
import { isDeepStrictEqual } from 'node:util';
import { IJob, ITrainingJobSpec } from '../../../../contract/training';
import { BackendError } from '../types';
import { IKubeClient, resourcePath } from './client';
import { CONFIGMAPS, findJob, IFoundJob, isNotFound, PROPAGATION } from './find-job';
import { IJobKind, kindOfFramework, withTypeMeta } from './kinds';
import { LogStore } from './log-store';
import {
  IJobObject,
  jobFromObject,
  toKubeflowObject,
  toSourceConfigMap,
  withOwner
} from './mappers';
import { toSpecFields } from './mappers/field-path';
import {
  needsPodOverrides,
  overrideFieldOfSchema,
  TrainJobOverrideField
} from './mappers/trainjob-overrides';
import { podsOfJob } from './pods';
import { IKubeObject } from './watch-reducer';

type Created = { job: IJob; created: boolean };

/** The ConfigMap with the job's source; on failure the job is deleted again and the error says so. */
async function createSourceOrRollBack(
  client: IKubeClient,
  namespace: string,
  spec: ITrainingJobSpec,
  kind: IJobKind,
  job: IKubeObject
): Promise<void> {
  const name = job.metadata?.name ?? '';
  const configMap = toSourceConfigMap(spec, name, namespace);
  if (!configMap) {
    return;
  }
  try {
    await client.request('POST', resourcePath(CONFIGMAPS, namespace), {
      body: withOwner(configMap, job)
    });
  } catch (e) {
    // Leave nothing behind: a job without its source would only fail later, in a less obvious way.
    await client
      .request('DELETE', resourcePath(kind, namespace, name), { query: PROPAGATION })
      .catch(() => undefined);
    const reason = e instanceof BackendError ? e : new BackendError('backend', String(e));
    throw new BackendError(
      reason.code,
      `Could not create ConfigMap "${configMap.metadata.name}" with the job's source, so job "${name}" was ` +
        `removed again: ${reason.message}`
    );
  }
}

/** A retried create after a crash between job and ConfigMap: add the missing ConfigMap. */
async function ensureSource(
  client: IKubeClient,
  namespace: string,
  spec: ITrainingJobSpec,
  existing: IFoundJob
): Promise<void> {
  const configMap = toSourceConfigMap(spec, existing.object.metadata?.name ?? '', namespace);
  if (!configMap) {
    return;
  }
  try {
    await client.request('GET', resourcePath(CONFIGMAPS, namespace, configMap.metadata.name));
  } catch (e) {
    if (!isNotFound(e)) {
      throw e;
    }
    await client.request('POST', resourcePath(CONFIGMAPS, namespace), {
      body: withOwner(configMap, existing.object)
    });
  }
}

/**
 * The override field of the installed Trainer, asked only when a TrainJob needs one; a TrainJob CRD with
 * neither field refuses the spec with the reason instead of silently dropping volumes or scheduling rules.
 */
async function trainJobOverrideFor(
  client: IKubeClient,
  spec: ITrainingJobSpec
): Promise<TrainJobOverrideField | undefined> {
  if (spec.framework !== 'trainjob' || !needsPodOverrides(spec)) {
    return undefined;
  }
  const openapi = await client.request('GET', '/openapi/v3/apis/trainer.kubeflow.org/v1alpha1');
  const field = overrideFieldOfSchema(openapi);
  if (!field) {
    const paths = ['volumes', 'nodeSelector', 'tolerations'].filter(
      f => (spec as unknown as Record<string, unknown>)[f] !== undefined
    );
    throw new BackendError(
      'invalid_spec',
      "This cluster's TrainJob has neither runtimePatches (Trainer 2.2+) nor podTemplateOverrides (Trainer 2.1), " +
        'so volumes, node selector and tolerations cannot be set on a TrainJob here.',
      paths.map(f => ({
        path: `/${f}`,
        message: 'cannot be set on a TrainJob with the Trainer installed here'
      }))
    );
  }
  return field;
}

/** An existing job answers a create only when it is the same kind, made by the workbench from an equal spec. */
async function adopt(
  client: IKubeClient,
  namespace: string,
  spec: ITrainingJobSpec,
  wanted: IJobObject,
  existing: IFoundJob
): Promise<Created> {
  const name = wanted.metadata.name;
  const existingSpec = jobFromObject(existing.object, []).spec;
  const sameKind = existing.kind.kind === wanted.kind;
  if (
    !sameKind ||
    !existingSpec ||
    !isDeepStrictEqual(existingSpec, jobFromObject(wanted, []).spec)
  ) {
    const why = !existingSpec ? 'was not created by the workbench' : 'has a different spec';
    throw new BackendError(
      'conflict',
      `A ${existing.kind.kind} named "${name}" already exists in namespace "${namespace}" and ${why}. ` +
        'Choose another name or delete that job first.'
    );
  }
  await ensureSource(client, namespace, spec, existing);
  return {
    job: jobFromObject(existing.object, await podsOfJob(client, namespace, name)),
    created: false
  };
}

export async function createJob(
  client: IKubeClient,
  store: LogStore,
  namespace: string,
  spec: ITrainingJobSpec
): Promise<Created> {
  const kind = kindOfFramework(spec.framework);
  const object = toKubeflowObject(spec, namespace, {
    trainJobOverride: await trainJobOverrideFor(client, spec)
  });
  const name = object.metadata.name;
  // A user who may create but not read some kinds still gets a create; one who may not create gets the
  // create's own "You may not create …" rather than a message about reading another kind.
  const existing = await findJob(client, namespace, name).catch(e => {
    if (e instanceof BackendError && e.code === 'forbidden') {
      return undefined;
    }
    throw e;
  });
  if (existing) {
    return adopt(client, namespace, spec, object, existing);
  }
  let created: IKubeObject;
  try {
    created = await client.request<IKubeObject>('POST', resourcePath(kind, namespace), {
      body: object
    });
  } catch (e) {
    // Lost a race with another create of the same name (a retried request): answer like a retry.
    const raced =
      e instanceof BackendError && e.code === 'conflict'
        ? await findJob(client, namespace, name)
        : undefined;
    if (raced) {
      return adopt(client, namespace, spec, object, raced);
    }
    if (e instanceof BackendError && e.code === 'invalid_spec' && e.fields) {
      throw new BackendError(
        'invalid_spec',
        `The cluster refused the job: ${e.message}`,
        toSpecFields(spec, e.fields)
      );
    }
    throw e;
  }
  created = withTypeMeta(created, kind);
  // A previous job of this name may have left logs; they are not this job's.
  await store.remove(namespace, name);
  await createSourceOrRollBack(client, namespace, spec, kind, created);
  return { job: jobFromObject(created, []), created: true };
}
