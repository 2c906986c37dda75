/**
 * Which pods belong to which job. Training Operator v1 labels pods with `training.kubeflow.org/job-name`,
 * Trainer v2 (through JobSet) with `jobset.sigs.k8s.io/jobset-name`; a label selector cannot OR two keys, so
 * pods are fetched (and watched) once per key.
 */
import { replicaName } from '../../../../contract/replica-name';
import { BackendError } from '../types';
import { IKubeClient } from './client';
import { IKubeObject } from './watch-reducer';

export const JOB_NAME_LABELS = [
  'training.kubeflow.org/job-name',
  'jobset.sigs.k8s.io/jobset-name'
] as const;

const V1_REPLICA_TYPE = 'training.kubeflow.org/replica-type';
const V1_REPLICA_INDEX = 'training.kubeflow.org/replica-index';
const JOBSET_REPLICATED_JOB = 'jobset.sigs.k8s.io/replicatedjob-name';
const JOBSET_JOB_INDEX = 'jobset.sigs.k8s.io/job-index';
const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

export interface IPod extends IKubeObject {
  spec?: { containers?: { name: string }[]; nodeName?: string };
  status?: { phase?: string };
}

export interface IPodList {
  items: IPod[];
  metadata?: { resourceVersion?: string };
}

export function jobNameOfPod(pod: IPod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  for (const key of JOB_NAME_LABELS) {
    if (labels[key]) {
      return labels[key];
    }
  }
  return undefined;
}

/**
 * `worker-0`, `master-0` for v1 pods (lowercased replica type and index, as the operator labels them);
 * `<replicatedJob>-<job index>` (plus `-<completion index>` when > 0) for JobSet pods; else the pod name.
 */
export function replicaNameOfPod(pod: IPod): string {
  const labels = pod.metadata?.labels ?? {};
  if (labels[V1_REPLICA_TYPE] !== undefined) {
    // The MPI launcher has a type and no index (`<job>-launcher`).
    return replicaName(labels[V1_REPLICA_TYPE], labels[V1_REPLICA_INDEX]);
  }
  if (labels[JOBSET_REPLICATED_JOB] !== undefined) {
    const completion = labels[JOB_COMPLETION_INDEX];
    const suffix = completion && completion !== '0' ? `-${completion}` : '';
    return `${labels[JOBSET_REPLICATED_JOB]}-${labels[JOBSET_JOB_INDEX] ?? '0'}${suffix}`;
  }
  return pod.metadata?.name ?? 'pod';
}

/** Pods matching a selector; a user who may not list pods still sees jobs, only without replica details. */
async function listPods(
  client: IKubeClient,
  namespace: string,
  labelSelector: string
): Promise<IPod[]> {
  try {
    const list = await client.request<IPodList>('GET', `/api/v1/namespaces/${namespace}/pods`, {
      query: { labelSelector }
    });
    return list.items ?? [];
  } catch (e) {
    if (e instanceof BackendError && e.code === 'forbidden') {
      return [];
    }
    throw e;
  }
}

/** Every pod of every job in a namespace, grouped by job name (two list calls, whatever the job count). */
export async function listJobPods(
  client: IKubeClient,
  namespace: string
): Promise<Map<string, IPod[]>> {
  const lists = await Promise.all(JOB_NAME_LABELS.map(label => listPods(client, namespace, label)));
  return groupPodsByJob(lists.flat());
}

export function groupPodsByJob(pods: Iterable<IPod>): Map<string, IPod[]> {
  const byJob = new Map<string, IPod[]>();
  for (const pod of pods) {
    const job = jobNameOfPod(pod);
    if (job) {
      byJob.set(job, [...(byJob.get(job) ?? []), pod]);
    }
  }
  return byJob;
}

/** The pods of one job. */
export async function podsOfJob(
  client: IKubeClient,
  namespace: string,
  job: string
): Promise<IPod[]> {
  const lists = await Promise.all(
    JOB_NAME_LABELS.map(label => listPods(client, namespace, `${label}=${job}`))
  );
  return lists.flat();
}
