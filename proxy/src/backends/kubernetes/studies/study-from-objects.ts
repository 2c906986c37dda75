/**
 * Experiment + its Trials + the trials' pods (+ live curves read from pod logs) → IStudy, pure. A trial that
 * Katib calls Running while its pods wait (Unschedulable, ImagePullBackOff, …) carries the pod's reason, as a
 * job's replicas do.
 */
import { derivedVersion } from '../../../../../contract/live';
import {
  ICurvePoint,
  IMetricSummary,
  IStudy,
  IStudySpec,
  ITrial,
  MetricStrategy,
  StudyPhase,
  TrialPhase
} from '../../../../../contract/study';
import { bestOf, countsOf } from '../../study-summary';
import { replicaFromPod } from '../mappers';
import { IPod } from '../pods';
import { IKubeObject } from '../watch-reducer';
import { STUDY_SPEC_ANNOTATION } from './to-experiment';

export const TRIAL_LABEL = 'katib.kubeflow.org/trial';
export const EXPERIMENT_LABEL = 'katib.kubeflow.org/experiment';
/** Set by our stop: an Experiment that Katib then calls Succeeded (max trials reached) shows as Stopped. */
export const STOPPED_ANNOTATION = 'kubeflow-workbench.io/stopped';

interface ICondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface IMetricObject {
  name?: string;
  min?: string;
  max?: string;
  latest?: string;
}

export interface IExperimentLike extends IKubeObject {
  spec?: {
    objective?: {
      type?: string;
      objectiveMetricName?: string;
      metricStrategies?: { name?: string; value?: string }[];
    };
    maxTrialCount?: number;
    parallelTrialCount?: number;
    maxFailedTrialCount?: number;
    trialTemplate?: { primaryContainerName?: string };
  };
  status?: {
    startTime?: string;
    completionTime?: string;
    conditions?: ICondition[];
    trials?: number;
    currentOptimalTrial?: {
      bestTrialName?: string;
      parameterAssignments?: { name?: string; value?: string }[];
      observation?: { metrics?: IMetricObject[] };
    };
  };
}

export interface ITrialLike extends IKubeObject {
  spec?: { parameterAssignments?: { name?: string; value?: string }[] };
  status?: {
    startTime?: string;
    completionTime?: string;
    conditions?: ICondition[];
    observation?: { metrics?: IMetricObject[] };
  };
}

const TRIAL_PRIORITY: [string, TrialPhase][] = [
  ['Succeeded', 'Succeeded'],
  ['EarlyStopped', 'EarlyStopped'],
  ['MetricsUnavailable', 'MetricsUnavailable'],
  ['Failed', 'Failed'],
  ['Killed', 'Killed'],
  ['Running', 'Running'],
  ['Created', 'Pending']
];

function trueCondition(conditions: ICondition[] | undefined, type: string): ICondition | undefined {
  return conditions?.find(c => c.type === type && c.status === 'True');
}

function phaseOfTrial(conditions: ICondition[] | undefined): {
  phase: TrialPhase;
  condition?: ICondition;
} {
  for (const [type, phase] of TRIAL_PRIORITY) {
    const condition = trueCondition(conditions, type);
    if (condition) {
      return { phase, condition };
    }
  }
  return { phase: 'Pending' };
}

function metricsOf(list: IMetricObject[] | undefined): Record<string, IMetricSummary> {
  const metrics: Record<string, IMetricSummary> = {};
  for (const m of list ?? []) {
    const latest = Number(m.latest);
    // Katib writes "unavailable" when the metric never appeared.
    if (m.name && m.latest !== undefined && Number.isFinite(latest)) {
      metrics[m.name] = { latest, min: Number(m.min ?? latest), max: Number(m.max ?? latest) };
    }
  }
  return metrics;
}

/** The objective's metric name, direction and strategy (Katib's default: min for minimize, max for maximize). */
export function objectiveOf(experiment: IExperimentLike): {
  metric: string;
  maximize: boolean;
  strategy: MetricStrategy;
} {
  const o = experiment.spec?.objective ?? {};
  const metric = o.objectiveMetricName ?? '';
  const maximize = o.type === 'maximize';
  const strategy = (o.metricStrategies?.find(s => s.name === metric)?.value ??
    (maximize ? 'max' : 'min')) as MetricStrategy;
  return { metric, maximize, strategy };
}

function summarize(curve: ICurvePoint[]): IMetricSummary | undefined {
  if (curve.length === 0) {
    return undefined;
  }
  const values = curve.map(p => p.value);
  return { latest: values[values.length - 1], min: Math.min(...values), max: Math.max(...values) };
}

function stuckReason(
  pods: IPod[],
  container: string
): { reason: string; message?: string } | undefined {
  for (const pod of pods) {
    const replica = replicaFromPod(pod, [], container);
    if (replica.reason && replica.phase !== 'Succeeded') {
      const message = [pod.metadata?.name, replica.message].filter(Boolean).join(': ');
      return { reason: replica.reason, ...(message ? { message } : {}) };
    }
  }
  return undefined;
}

export function trialFromObjects(
  trial: ITrialLike,
  index: number,
  experiment: IExperimentLike,
  pods: IPod[],
  curve: ICurvePoint[] = []
): ITrial {
  const { metric, strategy } = objectiveOf(experiment);
  const { phase, condition } = phaseOfTrial(trial.status?.conditions);
  const metrics = metricsOf(trial.status?.observation?.metrics);
  // Katib reports metrics when the trial ends; until then the live curve from the pod's log stands in.
  const live = summarize(curve);
  if (!metrics[metric] && live) {
    metrics[metric] = live;
  }
  const params: Record<string, string> = {};
  for (const a of trial.spec?.parameterAssignments ?? []) {
    if (a.name) {
      params[a.name] = a.value ?? '';
    }
  }
  const name = trial.metadata?.name ?? '';
  const result: ITrial = {
    name,
    index,
    params,
    phase,
    metrics,
    curve,
    job: name,
    ...(trial.metadata?.creationTimestamp ? { created: trial.metadata.creationTimestamp } : {}),
    ...(trial.status?.startTime ? { started: trial.status.startTime } : {}),
    ...(trial.status?.completionTime ? { finished: trial.status.completionTime } : {})
  };
  if (metrics[metric]) {
    result.objective = metrics[metric][strategy];
  }
  if (condition?.reason && phase !== 'Running' && phase !== 'Pending') {
    result.reason = condition.reason;
  }
  if (condition?.message && phase !== 'Running' && phase !== 'Pending') {
    result.message = condition.message;
  }
  if (phase === 'Running' || phase === 'Pending') {
    const stuck = stuckReason(pods, experiment.spec?.trialTemplate?.primaryContainerName ?? '');
    if (stuck) {
      Object.assign(result, stuck);
    }
  }
  return result;
}

const EXPERIMENT_PRIORITY: StudyPhase[] = [
  'Succeeded',
  'Failed',
  'Restarting',
  'Running',
  'Created'
];

function phaseOfExperiment(experiment: IExperimentLike): {
  phase: StudyPhase;
  condition?: ICondition;
} {
  const conditions = experiment.status?.conditions;
  for (const type of EXPERIMENT_PRIORITY) {
    const condition = trueCondition(conditions, type);
    if (condition) {
      const stopped =
        type === 'Succeeded' && experiment.metadata?.annotations?.[STOPPED_ANNOTATION];
      return { phase: stopped ? 'Stopped' : type, condition };
    }
  }
  return { phase: 'Created' };
}

function specOf(experiment: IExperimentLike): IStudySpec | undefined {
  const text = experiment.metadata?.annotations?.[STUDY_SPEC_ANNOTATION];
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text) as IStudySpec;
  } catch {
    return undefined;
  }
}

/** The Experiment without server-side noise, for the YAML view. */
function manifestOf(experiment: IExperimentLike): unknown {
  const { metadata, ...rest } = experiment;
  const { managedFields, ...meta } = (metadata ?? {}) as Record<string, unknown>;
  void managedFields;
  return { ...rest, metadata: meta };
}

export function studyFromObjects(
  experiment: IExperimentLike,
  trialObjects: ITrialLike[],
  podsByTrial: Map<string, IPod[]>,
  curves: Map<string, ICurvePoint[]> = new Map()
): IStudy {
  const sorted = [...trialObjects].sort((a, b) => {
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    return ta < tb
      ? -1
      : ta > tb
        ? 1
        : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  });
  const trials = sorted.map((t, i) => {
    const name = t.metadata?.name ?? '';
    return trialFromObjects(t, i, experiment, podsByTrial.get(name) ?? [], curves.get(name) ?? []);
  });
  const { maximize } = objectiveOf(experiment);
  const { phase, condition } = phaseOfExperiment(experiment);
  const children = [
    ...sorted.map(t => t.metadata?.resourceVersion),
    ...[...podsByTrial.values()].flat().map(p => p.metadata?.resourceVersion),
    ...trials.map(t => `${t.name}:${t.curve.length}`)
  ];
  const study: IStudy = {
    name: experiment.metadata?.name ?? '',
    namespace: experiment.metadata?.namespace ?? '',
    created: experiment.metadata?.creationTimestamp ?? '',
    version: derivedVersion(experiment.metadata?.resourceVersion, children),
    resourceVersion: experiment.metadata?.resourceVersion,
    backend: 'kubernetes',
    phase,
    counts: countsOf(trials),
    trials,
    manifest: manifestOf(experiment)
  };
  if (condition?.reason) {
    study.reason = condition.reason;
  }
  if (condition?.message) {
    study.message = condition.message;
  }
  if (experiment.status?.startTime) {
    study.started = experiment.status.startTime;
  }
  if (experiment.status?.completionTime) {
    study.finished = experiment.status.completionTime;
  }
  const spec = specOf(experiment);
  if (spec) {
    study.spec = spec;
  }
  const best = bestOf(trials, maximize);
  if (best) {
    study.best = best;
  }
  return study;
}
