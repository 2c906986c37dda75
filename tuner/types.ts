/** The local tuner's contract with the studies backend (see tuner/README.md). */
export type ParamValue = number | string;

export interface IParameter {
  name: string;
  type: 'int' | 'double' | 'categorical' | 'discrete';
  /** int, double */
  min?: number;
  max?: number;
  step?: number;
  /** categorical (strings), discrete (numbers) */
  list?: (string | number)[];
  /** Default uniform. */
  distribution?: 'uniform' | 'logUniform' | 'normal' | 'logNormal';
}

export type TrialState = 'running' | 'succeeded' | 'failed' | 'earlyStopped' | 'metricsUnavailable';

export interface ITrialHistory {
  /** 0, 1, 2… in creation order. */
  index: number;
  params: Record<string, ParamValue>;
  state: TrialState;
  /** Final objective (per the metric strategy) when known. */
  objective?: number;
  /** Objective reports in order (for medianstop and hyperband). */
  curve?: { step: number; value: number }[];
}

/** Katib style: every setting value is a string. */
export interface IAlgorithm {
  name: string;
  settings?: Record<string, string>;
}

export type Direction = 'maximize' | 'minimize';

export interface ISuggestRequest {
  algorithm: IAlgorithm;
  parameters: IParameter[];
  direction: Direction;
  seed: number;
  maxTrialCount: number;
  parallelTrialCount: number;
}

export type Suggestion =
  | { kind: 'trial'; params: Record<string, ParamValue> }
  /** e.g. hyperband waiting for a rung to finish */
  | { kind: 'wait'; reason: string }
  /** e.g. grid exhausted, hyperband finished */
  | { kind: 'done'; reason: string };

export interface IFieldError {
  path: string;
  message: string;
}

export interface IEarlyStoppingRule {
  name: string;
  settings?: Record<string, string>;
}
