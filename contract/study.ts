/** Wire types of the tuning feature. `schemas/study.schema.json` is the source of truth for the spec (its
 * cross-field rules are in `study-rules.ts`); these types mirror it for TypeScript callers. */
import { ILiveResource } from './live';
import { ITrainingJobSpec } from './training';

export type ParameterType = 'int' | 'double' | 'categorical' | 'discrete';
export type Distribution = 'uniform' | 'logUniform' | 'normal' | 'logNormal';
export type AlgorithmName =
  | 'random'
  | 'tpe'
  | 'grid'
  | 'multivariate-tpe'
  | 'hyperband'
  | 'bayesianoptimization'
  | 'cmaes'
  | 'sobol';
export type MetricStrategy = 'min' | 'max' | 'latest';

export interface IStudyParameter {
  name: string;
  parameterType: ParameterType;
  /** int/double only (integers for int). */
  min?: number;
  max?: number;
  step?: number;
  /** categorical (strings) or discrete (numbers). */
  list?: (string | number)[];
  /** int/double only; `uniform` when absent. */
  distribution?: Distribution;
}

export interface IObjectiveSpec {
  metricName: string;
  type: 'maximize' | 'minimize';
  goal?: number;
  additionalMetricNames?: string[];
  metricStrategies?: { name: string; value: MetricStrategy }[];
}

export interface IMetricsCollectorSpec {
  kind: 'StdOut' | 'File';
  /** File only: absolute path the trial writes its metrics to. */
  path?: string;
  /** A regular expression with two groups (name, value); Katib's `name=value` format when absent. */
  format?: string;
}

export interface IStudySpec {
  name?: string;
  namespace?: string;
  objective: IObjectiveSpec;
  parameters: IStudyParameter[];
  algorithm: { name: AlgorithmName; settings?: Record<string, string> };
  earlyStopping?: {
    name: 'medianstop';
    settings?: { min_trials_required?: string; start_step?: string };
  };
  maxTrialCount: number;
  /** Default 3 (Katib's). */
  parallelTrialCount?: number;
  maxFailedTrialCount?: number;
  /** The job each trial runs; `${trialParameters.NAME}` in command/args/env/source is substituted. */
  trial: ITrainingJobSpec;
  /** Default `{kind: 'StdOut'}`. */
  metricsCollector?: IMetricsCollectorSpec;
  resumePolicy?: 'Never' | 'LongRunning' | 'FromVolume';
  /** Local backend: seed of the suggestions. */
  seed?: number;
  /** A line the script prints, checked against the metric format before the study starts. */
  sampleOutput?: string;
}

export type StudyPhase =
  'Created' | 'Running' | 'Restarting' | 'Succeeded' | 'Failed' | 'Stopped' | 'Unknown';

export type TrialPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Killed'
  | 'EarlyStopped'
  | 'MetricsUnavailable'
  | 'Unknown';

export interface IMetricSummary {
  latest: number;
  min: number;
  max: number;
}

/** One point of a metric's series: `step` counts the reports of that metric in the trial, from 0. */
export interface ICurvePoint {
  step: number;
  value: number;
  /** ISO time, when the line carried one (or when it was read). */
  time?: string;
}

/** At most this many points per trial curve; longer series keep their first and latest points evenly. */
export const MAX_CURVE_POINTS = 500;

export interface ITrial {
  name: string;
  /** 0-based order of creation. */
  index: number;
  /** Parameter values as the trial received them (strings, as on the command line). */
  params: Record<string, string>;
  phase: TrialPhase;
  /** Why: the condition's reason, or for a Running trial whose pods are stuck the pod's (Unschedulable,
   * ImagePullBackOff, CrashLoopBackOff, …). */
  reason?: string;
  message?: string;
  /** The objective value by the objective's metric strategy. */
  objective?: number;
  metrics: Record<string, IMetricSummary>;
  /** The objective metric's series, live while the trial runs (≤ MAX_CURVE_POINTS). */
  curve: ICurvePoint[];
  /** The trial's job (same name as the trial on both backends). */
  job?: string;
  created?: string;
  started?: string;
  finished?: string;
}

export interface IStudyCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  killed: number;
  earlyStopped: number;
  metricsUnavailable: number;
}

export interface IStudy extends ILiveResource {
  backend: 'local' | 'kubernetes';
  phase: StudyPhase;
  reason?: string;
  message?: string;
  started?: string;
  finished?: string;
  /** The spec it was created from (absent for experiments not created by the workbench). */
  spec?: IStudySpec;
  /** The exact Experiment sent to the cluster (kubernetes backend), for the YAML view. */
  manifest?: unknown;
  counts: IStudyCounts;
  best?: { trial: string; objective: number; params: Record<string, string> };
  trials: ITrial[];
  resourceVersion?: string;
}

/** The answer of a create: the study, whether it was new, and pre-flight warnings in plain words. */
export interface IStudyCreated {
  study: IStudy;
  created: boolean;
  warnings: string[];
}

/** The three fields Katib lets change after creation. */
export interface IStudyBudget {
  maxTrialCount?: number;
  parallelTrialCount?: number;
  maxFailedTrialCount?: number;
}
