/** Job objects for the benchmarks: one minimal valid manifest per kind, created many at a time. */
import * as k8s from '@kubernetes/client-node';

export interface IKindRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

const V1 = { group: 'kubeflow.org', version: 'v1' };
const template = (container: string) => ({
  spec: { restartPolicy: 'Never', containers: [{ name: container, image: 'python:3.11-slim', command: ['true'] }] }
});

/** The seven kinds the proxy lists, with a spec each CRD accepts. */
export const KINDS: Record<string, IKindRef & { spec: Record<string, unknown> }> = {
  PyTorchJob: {
    ...V1,
    kind: 'PyTorchJob',
    plural: 'pytorchjobs',
    spec: {
      pytorchReplicaSpecs: {
        Master: { replicas: 1, restartPolicy: 'OnFailure', template: template('pytorch') },
        Worker: { replicas: 2, restartPolicy: 'OnFailure', template: template('pytorch') }
      }
    }
  },
  TFJob: { ...V1, kind: 'TFJob', plural: 'tfjobs', spec: { tfReplicaSpecs: { Worker: { template: template('tensorflow') } } } },
  MPIJob: {
    ...V1,
    kind: 'MPIJob',
    plural: 'mpijobs',
    spec: { slotsPerWorker: 1, mpiReplicaSpecs: { Launcher: { template: template('mpi') }, Worker: { template: template('mpi') } } }
  },
  XGBoostJob: { ...V1, kind: 'XGBoostJob', plural: 'xgboostjobs', spec: { xgbReplicaSpecs: { Master: { template: template('xgboost') } } } },
  PaddleJob: { ...V1, kind: 'PaddleJob', plural: 'paddlejobs', spec: { paddleReplicaSpecs: { Worker: { template: template('paddle') } } } },
  JAXJob: { ...V1, kind: 'JAXJob', plural: 'jaxjobs', spec: { jaxReplicaSpecs: { Worker: { template: template('jax') } } } },
  TrainJob: {
    group: 'trainer.kubeflow.org',
    version: 'v1alpha1',
    kind: 'TrainJob',
    plural: 'trainjobs',
    spec: { runtimeRef: { name: 'torch-distributed' }, trainer: { numNodes: 1, image: 'python:3.11-slim' } }
  }
};

export const PYTORCH = KINDS.PyTorchJob;

/** Runs task(i) for i in 0..count-1 with at most `inFlight` running at once. */
export async function pool(count: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await task(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/** Retries what a busy 2-core apiserver sometimes refuses (429, timeouts) a few times before giving up. */
async function withRetry<T>(what: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await what();
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (attempt >= attempts || code === 409 || (code !== undefined && code < 500 && code !== 429)) {
        throw e;
      }
      await new Promise(r => setTimeout(r, 200 * attempt));
    }
  }
}

export const jobName = (prefix: string, i: number) => `${prefix}-${String(i).padStart(5, '0')}`;

export const condition = (type: string, message: string, time = new Date().toISOString()) => ({
  type,
  status: 'True',
  reason: `Job${type}`,
  message,
  lastUpdateTime: time,
  lastTransitionTime: time
});

/**
 * Creates `count` jobs of one kind named `<prefix>-00000`…; with `running`, also writes a Created+Running
 * status (as the operator would) so list answers carry realistic conditions.
 */
export async function createJobs(
  kc: k8s.KubeConfig,
  namespace: string,
  kindName: string,
  count: number,
  opts: { prefix?: string; inFlight: number; running?: boolean }
): Promise<void> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const kind = KINDS[kindName];
  const prefix = opts.prefix ?? kindName.toLowerCase();
  await pool(count, opts.inFlight, async i => {
    const name = jobName(prefix, i);
    const ref = { group: kind.group, version: kind.version, plural: kind.plural, namespace };
    await withRetry(() =>
      api.createNamespacedCustomObject({
        ...ref,
        body: { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { name }, spec: kind.spec }
      })
    );
    if (opts.running) {
      const status = { conditions: [condition('Created', 'created'), condition('Running', 'running')] };
      await withRetry(() => patchStatus(api, { ...ref, name }, status));
    }
  });
}

/** A merge patch on the status subresource: how a controller writes status. */
export function patchStatus(
  api: k8s.CustomObjectsApi,
  ref: { group: string; version: string; plural: string; namespace: string; name: string },
  status: Record<string, unknown>
): Promise<object> {
  return api.patchNamespacedCustomObjectStatus(
    { ...ref, body: { status } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  );
}
