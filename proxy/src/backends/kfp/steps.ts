/**
 * KFP task details (and the step pods, when the cluster can be read) → one `IStep` per task of the IR's root
 * DAG. KFP's Argo compiler runs each task as a `<task>-driver` node then the task's own node (whose executor
 * pod may sit one level deeper, `…<task>.executor`); `task_details` carry one entry per Argo node, named by
 * its display name. The pod is taken from the task details (`pod_name`, `child_tasks`) and otherwise from the
 * pods labelled `pipeline/runid`, by their `workflows.argoproj.io/node-name` annotation. A pod's own state says
 * why a step does not move (ImagePullBackOff, Unschedulable, OOMKilled) — the kubernetes backend's reading.
 */
import { IStep, RunPhase, StepPhase } from '../../../../contract/pipeline';
import { eventsOfJob, eventTime, IKubeEvent } from '../kubernetes/events';
import { IPodLike, replicaFromPod } from '../kubernetes/mappers/replica-from-pod';
import { IPipelineIr } from '../local/pipelines/ir';
import { IKfpRun, IKfpTaskDetail, KfpRuntimeState } from './api-types';

export const NODE_NAME_ANNOTATION = 'workflows.argoproj.io/node-name';
export const RUN_ID_LABEL = 'pipeline/runid';
const MAIN_CONTAINER = 'main';
/** Events per step on the wire (the newest): enough to say why, small enough for every list answer. */
const MAX_EVENTS = 10;
const DRIVER = /-driver$/;

export interface IStepPod extends IPodLike {
  metadata?: IPodLike['metadata'] & {
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
}

/** What the cluster tells about a run's pods; empty when the cluster cannot be read. */
export interface IRunPods {
  pods: IStepPod[];
  events: IKubeEvent[];
}

const STEP_PHASE: Record<KfpRuntimeState, StepPhase> = {
  RUNTIME_STATE_UNSPECIFIED: 'Pending',
  PENDING: 'Pending',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  SKIPPED: 'Skipped',
  FAILED: 'Failed',
  CANCELING: 'Running',
  CANCELED: 'Cancelled',
  PAUSED: 'Pending'
};

const RUN_PHASE: Record<KfpRuntimeState, RunPhase> = {
  RUNTIME_STATE_UNSPECIFIED: 'Pending',
  PENDING: 'Pending',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  SKIPPED: 'Succeeded',
  FAILED: 'Failed',
  CANCELING: 'Cancelling',
  CANCELED: 'Cancelled',
  PAUSED: 'Pending'
};

export const runPhase = (state?: KfpRuntimeState): RunPhase =>
  RUN_PHASE[state ?? 'PENDING'] ?? 'Pending';
const stepPhase = (state?: KfpRuntimeState): StepPhase =>
  STEP_PHASE[state ?? 'PENDING'] ?? 'Pending';

/** KFP answers the epoch for "not set" in some versions. */
export function time(value: string | undefined): string | undefined {
  return value && !value.startsWith('1970-01-01') ? value : undefined;
}

/** The root DAG's task names, in the IR's order. */
export function rootTasks(ir: IPipelineIr | undefined): string[] {
  return Object.keys(ir?.root?.dag?.tasks ?? {});
}

const latest = (details: IKfpTaskDetail[]) =>
  [...details].sort((a, b) => ((a.create_time ?? '') < (b.create_time ?? '') ? -1 : 1)).pop();

/** Pod names under a task detail (its own, then its children's), skipping driver pods. */
function podNames(
  detail: IKfpTaskDetail,
  byId: Map<string, IKfpTaskDetail>,
  seen = new Set<string>()
): string[] {
  if (seen.has(detail.task_id ?? '')) {
    return [];
  }
  seen.add(detail.task_id ?? '');
  const names = detail.pod_name && !DRIVER.test(detail.display_name ?? '') ? [detail.pod_name] : [];
  for (const child of detail.child_tasks ?? []) {
    const nested = child.task_id ? byId.get(child.task_id) : undefined;
    if (nested && !DRIVER.test(nested.display_name ?? '')) {
      names.push(...podNames(nested, byId, seen));
    } else if (!nested && child.pod_name && !/driver/.test(child.pod_name)) {
      names.push(child.pod_name);
    }
  }
  return names;
}

/** The task a pod ran, from its Argo node name (`<wf>.root.<task>[.executor]`); undefined for drivers. */
export function taskOfPod(pod: IStepPod, tasks: Set<string>): string | undefined {
  const nodeName = pod.metadata?.annotations?.[NODE_NAME_ANNOTATION] ?? '';
  const segments = nodeName.split('.').map(s => s.replace(/\(\d+\)$/, ''));
  if (DRIVER.test(segments[segments.length - 1] ?? '')) {
    return undefined;
  }
  return [...segments].reverse().find(segment => tasks.has(segment));
}

function podOf(
  task: string,
  detail: IKfpTaskDetail | undefined,
  byId: Map<string, IKfpTaskDetail>,
  cluster: IRunPods,
  tasks: Set<string>
): { name?: string; pod?: IStepPod } {
  const named = detail ? podNames(detail, byId) : [];
  const byName = cluster.pods.filter(p => named.includes(p.metadata?.name ?? ''));
  const byNode = cluster.pods.filter(p => taskOfPod(p, tasks) === task);
  const candidates = byName.length > 0 ? byName : byNode;
  // Retries leave several pods: the newest one is the step's current state.
  const pod = [...candidates]
    .sort((a, b) =>
      (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '') ? -1 : 1
    )
    .pop();
  // Without the cluster, only a real `pod_name` names the pod (`child_tasks[].pod_name` holds Argo node ids
  // in KFP 2.17, kfp#14007).
  return { name: pod?.metadata?.name ?? detail?.pod_name, pod };
}

/** The pod's own reason (stuck, OOMKilled, exit code), else its latest warning event while not done. */
function podFindings(step: IStep, pod: IStepPod, events: IKubeEvent[]): Partial<IStep> {
  const replica = replicaFromPod(pod, [], MAIN_CONTAINER);
  if (step.phase === 'Succeeded' || step.phase === 'Skipped') {
    return {};
  }
  if (replica.reason) {
    return {
      reason: replica.reason,
      ...(replica.message ? { message: replica.message } : {}),
      ...(replica.exitCode !== undefined ? { exitCode: replica.exitCode } : {})
    };
  }
  const warning = events
    .filter(e => e.type === 'Warning' && e.involvedObject?.name === pod.metadata?.name)
    .sort((a, b) => (eventTime(a) < eventTime(b) ? -1 : 1))
    .pop();
  return warning && step.phase !== 'Failed'
    ? { reason: warning.reason, ...(warning.message ? { message: warning.message } : {}) }
    : {};
}

/** A task KFP has not reached: pending while the run goes on, skipped or cancelled once it ended. */
function unreached(run: IKfpRun): Pick<IStep, 'phase' | 'reason'> {
  switch (run.state) {
    case 'FAILED':
      return { phase: 'Skipped', reason: 'UpstreamFailed' };
    case 'CANCELED':
    case 'CANCELING':
      return { phase: 'Cancelled' };
    case 'SUCCEEDED':
      return { phase: 'Skipped' };
    default:
      return { phase: 'Pending' };
  }
}

export function stepsOfRun(
  ir: IPipelineIr | undefined,
  run: IKfpRun,
  cluster: IRunPods = { pods: [], events: [] },
  labels: Record<string, string> = {}
): IStep[] {
  const details = run.run_details?.task_details ?? [];
  const byId = new Map(details.filter(d => d.task_id).map(d => [d.task_id!, d]));
  const tasks = rootTasks(ir);
  const taskSet = new Set(tasks);
  return tasks.map(task => {
    const own = details.filter(d => d.display_name === task);
    const detail = latest(own);
    const driver = latest(details.filter(d => d.display_name === `${task}-driver`));
    let step: IStep = {
      task,
      label: labels[task] ?? task,
      ...(detail
        ? { phase: stepPhase(detail.state) }
        : driver?.state === 'FAILED'
          ? { phase: 'Failed' as StepPhase, reason: 'DriverFailed' }
          : driver
            ? { phase: 'Pending' as StepPhase }
            : unreached(run)),
      outputs: { parameters: {}, artifacts: [] }
    };
    const source = detail ?? driver;
    const started = time(detail?.start_time) ?? time(detail?.create_time);
    const finished = time(detail?.end_time);
    const error = source?.error?.message;
    step = {
      ...step,
      ...(started ? { started } : {}),
      ...(finished && !['Pending', 'Running'].includes(step.phase) ? { finished } : {}),
      ...(error ? { message: error } : {}),
      ...(own.length > 0 ? { attempts: own.length } : {})
    };
    const { name, pod } = podOf(task, detail, byId, cluster, taskSet);
    if (name) {
      step.pod = name;
    }
    if (!pod) {
      return step;
    }
    const events = eventsOfJob(cluster.events, { name: name!, kind: 'Pod', podNames: [name!] });
    return {
      ...step,
      ...podFindings(step, pod, cluster.events),
      ...(events.length > 0 ? { events: events.slice(-MAX_EVENTS) } : {})
    };
  });
}

/** The Argo node id of a task's executor (KFP's artifact routes take node ids), when the details name it. */
export function executorNodeId(run: IKfpRun, task: string): string | undefined {
  const details = run.run_details?.task_details ?? [];
  const detail = latest(details.filter(d => d.display_name === task));
  const byId = new Map(details.filter(d => d.task_id).map(d => [d.task_id!, d]));
  return detail ? podNames(detail, byId).pop() : undefined;
}
