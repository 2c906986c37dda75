/** The reverse mapping: a job object (any of the seven kinds) and its pods → the `IJob` every client sees. */
import { derivedVersion } from '../../../../../contract/live';
import { IJob, IJobCondition, ITrainingJobSpec, JobPhase } from '../../../../../contract/training';
import { frameworkOfKind, KIND_INFO, SPEC_ANNOTATION } from './kind-info';
import { IPodLike, replicaFromPod } from './replica-from-pod';

interface IRawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface IJobLikeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
    managedFields?: unknown;
  };
  spec?: unknown;
  status?: {
    conditions?: IRawCondition[];
    startTime?: string;
    completionTime?: string;
  };
}

const V1_PHASES = new Set<JobPhase>([
  'Created',
  'Running',
  'Restarting',
  'Succeeded',
  'Failed',
  'Suspended'
]);
/** Trainer v2 (metav1.Condition) types and what they mean as a phase. */
const TRAINJOB_PHASES: Record<string, JobPhase> = {
  Complete: 'Succeeded',
  Failed: 'Failed',
  Suspended: 'Suspended'
};

function conditionsOf(raw: IRawCondition[]): IJobCondition[] {
  return raw.map(c => ({
    type: c.type ?? '',
    status: c.status ?? 'Unknown',
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {})
  }));
}

/** Like the operators' State column: the last condition's type (a v1 operator appends as the job progresses). */
function v1Phase(conditions: IJobCondition[]): JobPhase {
  const last = conditions[conditions.length - 1];
  if (!last) {
    return 'Created';
  }
  return V1_PHASES.has(last.type as JobPhase) ? (last.type as JobPhase) : 'Unknown';
}

/** TrainJob conditions are only set when true-ish; without a terminal one it runs once a pod runs. */
function trainJobPhase(conditions: IJobCondition[], pods: IPodLike[]): JobPhase {
  const active = [...conditions]
    .reverse()
    .find(c => c.status === 'True' && TRAINJOB_PHASES[c.type]);
  if (active) {
    return TRAINJOB_PHASES[active.type];
  }
  return pods.some(p => p.status?.phase === 'Running') ? 'Running' : 'Created';
}

function specOf(annotations: Record<string, string> | undefined): ITrainingJobSpec | undefined {
  const text = annotations?.[SPEC_ANNOTATION];
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text) as ITrainingJobSpec;
  } catch {
    return undefined; // edited by hand: show the job without a spec rather than fail the whole list
  }
}

export function jobFromObject(object: IJobLikeObject, pods: IPodLike[] = []): IJob {
  const framework = frameworkOfKind(object.kind);
  if (!framework) {
    throw new Error(`not a training job kind: ${object.kind}`);
  }
  const info = KIND_INFO[framework];
  const metadata = object.metadata ?? {};
  const conditions = conditionsOf(object.status?.conditions ?? []);
  const phase = framework === 'trainjob' ? trainJobPhase(conditions, pods) : v1Phase(conditions);
  const finishedCondition = conditions.find(
    c => c.status === 'True' && ['Succeeded', 'Failed', 'Complete'].includes(c.type)
  );
  const finished = object.status?.completionTime ?? finishedCondition?.lastTransitionTime;
  const replicas = pods
    .map(pod => replicaFromPod(pod, info.roles, info.container))
    .sort(
      (a, b) => roleRank(info.roles, a.role) - roleRank(info.roles, b.role) || a.index - b.index
    );
  const spec = specOf(metadata.annotations);
  const { managedFields: _managed, ...shownMetadata } = metadata;
  return {
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    framework,
    kind: info.kind,
    backend: 'kubernetes',
    phase,
    created: metadata.creationTimestamp ?? '',
    ...(object.status?.startTime ? { started: object.status.startTime } : {}),
    ...(finished && (phase === 'Succeeded' || phase === 'Failed') ? { finished } : {}),
    conditions,
    replicas,
    ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
    // Pods change while the job object does not (a stuck job): the version covers both.
    version: derivedVersion(
      metadata.resourceVersion,
      pods.map(pod => pod.metadata?.resourceVersion)
    ),
    ...(spec ? { spec } : {}),
    manifest: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: shownMetadata,
      spec: object.spec
    }
  };
}

function roleRank(roles: string[], role: string): number {
  const rank = roles.indexOf(role);
  return rank < 0 ? roles.length : rank;
}
