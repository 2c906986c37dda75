/**
 * What integration tests need besides the apiserver: connection info, RBAC for alice, fresh namespaces, and the
 * parts no controller plays here (job status, operator pods, kubelet pod status).
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import type { ITestCluster } from './cluster';

export { installCrds } from './crds';

/** The namespace alice works in; created by globalSetup with her Role and RoleBinding. */
export const TEAM_A = 'team-a';

/** Connection info written by globalSetup (test files share no memory with it, only this JSON). */
export type IClusterInfo = Pick<
  ITestCluster,
  | 'server'
  | 'adminKubeconfig'
  | 'aliceKubeconfig'
  | 'adminToken'
  | 'aliceToken'
  | 'caFile'
  | 'version'
  | 'etcdUrl'
> & {
  /** Loopback URL of globalSetup's control endpoint (restartApiserver). */
  control: string;
};

/** The cluster of the jest project this file runs in: `integration` (default) or `operators`. */
export function clusterInfo(project: 'integration' | 'operators' = 'integration'): IClusterInfo {
  const envVar = project === 'operators' ? 'KFWB_OPERATORS_CLUSTER' : 'KFWB_TEST_CLUSTER';
  const path = process.env[envVar];
  if (!path) {
    throw new Error(`${envVar} is not set: run this file in the jest \`${project}\` project`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Restarts the shared kube-apiserver (same port, same etcd) through globalSetup, which owns the process.
 * Every test file of the run shares that apiserver: run the integration project with --runInBand.
 */
export async function restartApiserver(): Promise<void> {
  const res = await fetch(`${clusterInfo().control}/restart-apiserver`, {
    method: 'POST'
  });
  if (!res.ok) {
    throw new Error(`apiserver restart failed: ${await res.text()}`);
  }
}

export function kubeConfig(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

/** Everything alice may do, in one namespace only; Secrets are deliberately absent. */
export async function grantAlice(kc: k8s.KubeConfig, namespace: string): Promise<void> {
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'workbench-user' },
      rules: [
        {
          apiGroups: [''],
          resources: ['pods', 'pods/log', 'events', 'configmaps'],
          verbs
        },
        {
          apiGroups: ['kubeflow.org', 'trainer.kubeflow.org'],
          resources: ['*'],
          verbs
        }
      ]
    }
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'workbench-user-alice' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'workbench-user'
      },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }]
    }
  });
}

/** The namespace label Katib's Experiment webhook requires (`freshNamespace(…, {katib: true})` sets it). */
export const KATIB_METRICS_LABEL = 'katib.kubeflow.org/metrics-collector-injection';

export async function createNamespace(
  kc: k8s.KubeConfig,
  name: string,
  labels?: Record<string, string>
): Promise<string> {
  await kc
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name, ...(labels ? { labels } : {}) } } });
  return name;
}

let counter = 0;
/**
 * A new, uniquely named namespace (admin creates it; alice gets nothing there unless grantAlice is set).
 * Never reuse one: without a namespace controller a deleted namespace stays Terminating forever.
 */
export async function freshNamespace(
  admin: k8s.KubeConfig | { adminKubeconfig: string },
  prefix: string,
  opts: { grantAlice?: boolean; katib?: boolean } = {}
): Promise<string> {
  const kc = admin instanceof k8s.KubeConfig ? admin : kubeConfig(admin.adminKubeconfig);
  const suffix = `${process.pid.toString(36)}-${(counter++).toString(36)}${Date.now().toString(36).slice(-4)}`;
  const name = await createNamespace(
    kc,
    `${prefix}-${suffix}`.slice(0, 63).replace(/-+$/, ''),
    // Katib's webhook admits Experiments only in namespaces where its metrics collector may be injected.
    opts.katib ? { [KATIB_METRICS_LABEL]: 'enabled' } : undefined
  );
  if (opts.grantAlice) {
    await grantAlice(kc, name);
  }
  await katibWebhookSees(kc, name, { labelled: opts.katib });
  return name;
}

function statusMessage(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  try {
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    return String((status as { message?: string }).message ?? body);
  } catch {
    return String(body ?? e);
  }
}

/**
 * Waits until Katib's Experiment webhook (where one is registered) has the namespace, and with `labelled` its
 * collector label, in its informer cache: the webhook reads namespaces from that cache, so an Experiment created
 * right after the namespace may be refused with `Namespace "…" not found` on a loaded machine. Probes with a
 * server-side dry run, which runs the admission webhooks and stores nothing.
 */
export async function katibWebhookSees(
  kc: k8s.KubeConfig,
  namespace: string,
  opts: { labelled?: boolean } = {}
): Promise<void> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const deadline = Date.now() + 20_000;
  for (;;) {
    let message = '';
    try {
      await custom.createNamespacedCustomObject({
        group: 'kubeflow.org',
        version: 'v1beta1',
        plural: 'experiments',
        namespace,
        dryRun: 'All',
        body: {
          apiVersion: 'kubeflow.org/v1beta1',
          kind: 'Experiment',
          metadata: { name: 'kfwb-cache-probe' },
          spec: {}
        }
      });
    } catch (e) {
      message = statusMessage(e);
    }
    const notYet =
      message.includes(`Namespace "${namespace}" not found`) ||
      (opts.labelled === true && message.includes(`lacks label "${KATIB_METRICS_LABEL}`));
    if (!notYet) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`Katib's webhook never saw namespace ${namespace}: ${message}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

export interface IObjectRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** Writes an object's status the way its controller would: a merge patch on the status subresource. */
export async function setStatus(
  kc: k8s.KubeConfig,
  ref: IObjectRef,
  status: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  return api.patchNamespacedCustomObjectStatus(
    { ...ref, body: { status } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  ) as Promise<Record<string, unknown>>;
}

export interface IFakePod {
  /** Replica type as written in the job spec: 'Master', 'Worker', 'PS', ... */
  type: string;
  index: number;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** containerStatuses[0].state, e.g. {waiting: {reason: 'ImagePullBackOff', message}} or
   *  {terminated: {reason: 'OOMKilled', exitCode: 137}}. */
  state?: k8s.V1ContainerState;
  restartCount?: number;
  /** Message of a PodScheduled=False/Unschedulable condition, as the scheduler writes it. */
  unschedulable?: string;
}

/** One pod per "why is it stuck" reason, as a scheduler and kubelet would report them. */
export const STUCK_PODS: IFakePod[] = [
  {
    type: 'Master',
    index: 0,
    unschedulable: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
  },
  {
    type: 'Worker',
    index: 0,
    phase: 'Pending',
    state: {
      waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:latest"' }
    }
  },
  {
    type: 'Worker',
    index: 1,
    phase: 'Running',
    restartCount: 4,
    state: {
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' }
    }
  },
  {
    type: 'Worker',
    index: 2,
    phase: 'Failed',
    state: { terminated: { reason: 'OOMKilled', exitCode: 137 } }
  }
];

// Replica types whose pod gets job-role=master (IsMasterRole); without one of them, worker 0 has the role.
// PyTorch and TF are from the API facts (§1.4); the other kinds follow the same rule by analogy.
const MASTER_TYPES: Record<string, string[]> = {
  TFJob: ['Chief', 'Master'],
  MPIJob: ['Launcher']
};

/** The container name the operator expects per kind (§1.1 default container). */
const CONTAINER: Record<string, string> = {
  TFJob: 'tensorflow',
  PyTorchJob: 'pytorch',
  MPIJob: 'mpi',
  XGBoostJob: 'xgboost',
  PaddleJob: 'paddle',
  JAXJob: 'jax'
};

/**
 * Pods named (`<job>-<type lower>-<index>`, the MPI launcher `<job>-launcher`) and labelled exactly like the training operator's, then given the
 * status a scheduler and kubelet would report, through the pods/status subresource.
 */
export async function createOperatorPods(
  kc: k8s.KubeConfig,
  namespace: string,
  job: string,
  kind: string,
  pods: IFakePod[]
): Promise<k8s.V1Pod[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const masterTypes = MASTER_TYPES[kind] ?? ['Master'];
  const hasMaster = pods.some(p => masterTypes.includes(p.type));
  const container = CONTAINER[kind] ?? 'main';
  const created: k8s.V1Pod[] = [];
  for (const p of pods) {
    const type = p.type.toLowerCase();
    const isLauncher = kind === 'MPIJob' && p.type === 'Launcher';
    const isMaster = hasMaster
      ? masterTypes.includes(p.type)
      : p.type === 'Worker' && p.index === 0;
    const pod = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          // The real MPI launcher is one pod, `<job>-launcher`, without a replica-index label.
          name: isLauncher ? `${job}-launcher` : `${job}-${type}-${p.index}`,
          labels: {
            'training.kubeflow.org/job-name': job,
            'training.kubeflow.org/operator-name': `${kind.toLowerCase()}-controller`,
            'training.kubeflow.org/replica-type': type,
            ...(isLauncher ? {} : { 'training.kubeflow.org/replica-index': String(p.index) }),
            ...(isMaster ? { 'training.kubeflow.org/job-role': 'master' } : {})
          }
        },
        spec: {
          containers: [{ name: container, image: 'python:3.11-slim' }],
          restartPolicy: 'Never'
        }
      }
    });
    const conditions: k8s.V1PodCondition[] = p.unschedulable
      ? [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: p.unschedulable
          }
        ]
      : [];
    const containerStatuses: k8s.V1ContainerStatus[] = p.state
      ? [
          {
            name: container,
            image: 'python:3.11-slim',
            imageID: '',
            ready: !!p.state.running,
            restartCount: p.restartCount ?? 0,
            state: p.state
          }
        ]
      : [];
    created.push(
      await core.patchNamespacedPodStatus(
        {
          namespace,
          name: pod.metadata!.name!,
          body: {
            status: {
              phase: p.phase ?? 'Pending',
              conditions,
              containerStatuses
            }
          }
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
      )
    );
  }
  return created;
}
