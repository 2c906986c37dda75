/** Looking a job name up across the seven kinds (a job name is unique per namespace for our purposes). */
import { BackendError } from '../types';
import { IKubeClient, IResourceRef, resourcePath } from './client';
import { IJobKind, JOB_KINDS, withTypeMeta } from './kinds';
import { IKubeObject } from './watch-reducer';

export interface IFoundJob {
  kind: IJobKind;
  object: IKubeObject;
}

export const CONFIGMAPS: IResourceRef = { group: '', version: 'v1', plural: 'configmaps' };
/** A bare apiserver has no garbage collector: with `Foreground` the job would wait forever for its dependents. */
export const PROPAGATION = { propagationPolicy: 'Background' };

export const isNotFound = (e: unknown) => e instanceof BackendError && e.code === 'not_found';

/** The job of that name in any kind; undefined when none, other failures (forbidden…) thrown. */
export async function findJob(
  client: IKubeClient,
  namespace: string,
  name: string
): Promise<IFoundJob | undefined> {
  const results = await Promise.allSettled(
    JOB_KINDS.map(kind => client.request<IKubeObject>('GET', resourcePath(kind, namespace, name)))
  );
  const index = results.findIndex(result => result.status === 'fulfilled');
  if (index >= 0) {
    const object = (results[index] as PromiseFulfilledResult<IKubeObject>).value;
    return {
      kind: JOB_KINDS[index],
      object: withTypeMeta(object, JOB_KINDS[index])
    };
  }
  const failure = results.find(
    result => result.status === 'rejected' && !isNotFound(result.reason)
  );
  if (failure) {
    throw (failure as PromiseRejectedResult).reason;
  }
  return undefined;
}
