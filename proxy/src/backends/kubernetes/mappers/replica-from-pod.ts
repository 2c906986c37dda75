/** A pod as a replica state: what the user needs to know about why a replica is not running. */
import { IReplicaState } from '../../../../../contract/training';
import { replicaNameOfPod } from '../pods';

interface IContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}

export interface IPodLike {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    /** Set when the pod is being stopped: it runs out its grace period, shown as `Terminating`. */
    deletionTimestamp?: string | Date;
  };
  spec?: { containers?: { name: string }[] };
  status?: {
    phase?: string;
    conditions?: {
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
    }[];
    containerStatuses?: {
      name?: string;
      restartCount?: number;
      state?: IContainerState;
      lastState?: IContainerState;
    }[];
  };
}

const PHASES = new Set(['Pending', 'Running', 'Succeeded', 'Failed']);
/** Normal steps on the way to Running, not problems. */
const ROUTINE_WAITING = new Set(['ContainerCreating', 'PodInitializing']);

function roleAndIndex(pod: IPodLike, roles: string[]): { role: string; index: number } {
  const labels = pod.metadata?.labels ?? {};
  const type =
    labels['training.kubeflow.org/replica-type'] ??
    labels['jobset.sigs.k8s.io/replicatedjob-name'] ??
    '';
  const index = Number(
    labels['training.kubeflow.org/replica-index'] ?? labels['jobset.sigs.k8s.io/job-index'] ?? 0
  );
  const role = roles.find(r => r.toLowerCase() === type.toLowerCase()) ?? type;
  return { role, index: Number.isFinite(index) ? index : 0 };
}

export function replicaFromPod(pod: IPodLike, roles: string[], container: string): IReplicaState {
  const phase = pod.status?.phase ?? '';
  const replica: IReplicaState = {
    name: replicaNameOfPod(pod as Parameters<typeof replicaNameOfPod>[0]),
    ...roleAndIndex(pod, roles),
    phase: (PHASES.has(phase) ? phase : 'Unknown') as IReplicaState['phase']
  };
  if (pod.metadata?.deletionTimestamp && (phase === 'Running' || phase === 'Pending')) {
    replica.phase = 'Terminating'; // what kubectl shows for a pod within its grace period
  }
  const statuses = pod.status?.containerStatuses ?? [];
  const status = statuses.find(s => s.name === container) ?? statuses[0];
  if (status) {
    replica.restarts = status.restartCount ?? 0;
  }
  const unscheduled = pod.status?.conditions?.find(
    c => c.type === 'PodScheduled' && c.status === 'False'
  );
  const { waiting, terminated } = status?.state ?? {};
  const exitCode = terminated?.exitCode ?? status?.lastState?.terminated?.exitCode;
  if (exitCode !== undefined) {
    replica.exitCode = exitCode;
  }
  if (unscheduled?.reason === 'Unschedulable') {
    return {
      ...replica,
      reason: 'Unschedulable',
      ...(unscheduled.message ? { message: unscheduled.message } : {})
    };
  }
  if (waiting?.reason && !ROUTINE_WAITING.has(waiting.reason)) {
    return {
      ...replica,
      reason: waiting.reason,
      ...(waiting.message ? { message: waiting.message } : {})
    };
  }
  if (terminated && terminated.exitCode !== 0) {
    // The kubelet's "Error" says nothing; the exit code does. OOMKilled and the like are kept as they are.
    const reason =
      !terminated.reason || terminated.reason === 'Error'
        ? `ExitCode ${terminated.exitCode}`
        : terminated.reason;
    return {
      ...replica,
      reason,
      ...(terminated.message ? { message: terminated.message } : {})
    };
  }
  return replica;
}
