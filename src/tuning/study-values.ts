/**
 * The study form's text values and the `StudySpec` they stand for, both ways (pure). Like the training form,
 * values stay strings so nothing typed is lost, and `toStudySpec` keeps bad values as they are so the shared
 * validator reports them at the right JSON pointer. The trial is the training form's own values.
 */
import {
  AlgorithmName,
  Distribution,
  IStudyParameter,
  IStudySpec,
  MetricStrategy,
  ParameterType
} from '../../contract/study';
import { ITrainingJobSpec } from '../../contract/training';
import {
  emptyValues,
  fieldOfPath as trialFieldOfPath,
  fromSpec as trialFromSpec,
  IFormValues,
  toSpec as trialToSpec
} from '../training/form-values';
import { algorithmInfo } from './algorithms';

export interface IParameterRow {
  name: string;
  type: ParameterType;
  min: string;
  max: string;
  step: string;
  /** Comma-separated values (categorical, discrete). */
  list: string;
  distribution: '' | Distribution;
}

export interface IStudyFormValues {
  name: string;
  metricName: string;
  type: 'maximize' | 'minimize';
  goal: string;
  /** Comma-separated. */
  additionalMetrics: string;
  /** Per metric name; '' = the default (min for minimize, max for maximize). */
  strategies: Record<string, '' | MetricStrategy>;
  parameters: IParameterRow[];
  algorithm: AlgorithmName;
  /** Settings typed per algorithm, so switching away and back keeps them; only the chosen one is sent. */
  settings: Record<string, Record<string, string>>;
  earlyStopping: '' | 'medianstop';
  earlyStoppingSettings: Record<string, string>;
  maxTrialCount: string;
  parallelTrialCount: string;
  maxFailedTrialCount: string;
  collector: 'StdOut' | 'File';
  /** Katib's `name=value` format, or the user's regex. */
  formatMode: 'default' | 'custom';
  format: string;
  path: string;
  /** A line the script prints, checked against the format as you type (and by the proxy). */
  sampleLine: string;
  resumePolicy: '' | 'Never' | 'LongRunning' | 'FromVolume';
  seed: string;
  trial: IFormValues;
}

export type StudyTextField =
  | 'name'
  | 'metricName'
  | 'goal'
  | 'additionalMetrics'
  | 'maxTrialCount'
  | 'parallelTrialCount'
  | 'maxFailedTrialCount'
  | 'format'
  | 'path'
  | 'sampleLine'
  | 'seed';

export function emptyParameter(type: ParameterType = 'double'): IParameterRow {
  return { name: '', type, min: '', max: '', step: '', list: '', distribution: '' };
}

/** The parameters a new study starts with: one learning rate on a log scale, as most studies have. */
export function emptyStudyValues(): IStudyFormValues {
  const trial = emptyValues('pytorch');
  // One process per trial: the master alone.
  trial.counts = { Master: '1', Worker: '0' };
  trial.command = 'python3 train.py --lr ${trialParameters.lr}';
  return {
    name: '',
    metricName: 'loss',
    type: 'minimize',
    goal: '',
    additionalMetrics: '',
    strategies: {},
    parameters: [
      {
        name: 'lr',
        type: 'double',
        min: '0.0001',
        max: '0.1',
        step: '',
        list: '',
        distribution: 'logUniform'
      }
    ],
    algorithm: 'tpe',
    settings: {},
    earlyStopping: '',
    earlyStoppingSettings: {},
    maxTrialCount: '12',
    parallelTrialCount: '3',
    maxFailedTrialCount: '3',
    collector: 'StdOut',
    formatMode: 'default',
    format: '',
    path: '',
    sampleLine: '',
    resumePolicy: '',
    seed: '',
    trial
  };
}

/** A number when the text is one, else the trimmed text (the validator then says "must be number"). */
function numeric(text: string, integer = false): number | string | undefined {
  const t = text.trim();
  if (t === '') {
    return undefined;
  }
  const n = Number(t);
  if (!Number.isFinite(n) || (integer && !/^-?\d+$/.test(t))) {
    return t;
  }
  return n;
}

const splitList = (text: string) =>
  text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function parameterOf(row: IParameterRow): IStudyParameter {
  const base = { name: row.name.trim(), parameterType: row.type };
  if (row.type === 'categorical') {
    return { ...base, list: splitList(row.list) };
  }
  if (row.type === 'discrete') {
    return { ...base, list: splitList(row.list).map(v => numeric(v) as number) };
  }
  return withoutUndefined({
    ...base,
    min: numeric(row.min) as number,
    max: numeric(row.max) as number,
    step: numeric(row.step) as number,
    distribution: row.distribution || undefined
  });
}

/** The metric names the objective reads: the objective's, then the additional ones. */
export function metricNames(values: IStudyFormValues): string[] {
  return [values.metricName.trim(), ...splitList(values.additionalMetrics)].filter(Boolean);
}

export function toStudySpec(values: IStudyFormValues): IStudySpec {
  const additional = splitList(values.additionalMetrics);
  const strategies = metricNames(values)
    .filter(name => values.strategies[name])
    .map(name => ({ name, value: values.strategies[name] as MetricStrategy }));
  const settings = Object.fromEntries(
    Object.entries(values.settings[values.algorithm] ?? {})
      .map(([k, v]) => [k, v.trim()])
      .filter(([, v]) => v !== '')
  );
  const esSettings = Object.fromEntries(
    Object.entries(values.earlyStoppingSettings)
      .map(([k, v]) => [k, v.trim()])
      .filter(([, v]) => v !== '')
  );
  const custom = values.formatMode === 'custom';
  const spec: IStudySpec = withoutUndefined({
    name: values.name.trim() || undefined,
    objective: withoutUndefined({
      metricName: values.metricName.trim(),
      type: values.type,
      goal: numeric(values.goal) as number | undefined,
      additionalMetricNames: additional.length ? additional : undefined,
      metricStrategies: strategies.length ? strategies : undefined
    }),
    parameters: values.parameters.map(parameterOf),
    // An algorithm with required settings always sends its map, so each missing one is named.
    algorithm:
      Object.keys(settings).length || algorithmInfo(values.algorithm).settings.some(i => i.required)
        ? { name: values.algorithm, settings }
        : { name: values.algorithm },
    earlyStopping: values.earlyStopping
      ? Object.keys(esSettings).length
        ? { name: values.earlyStopping, settings: esSettings }
        : { name: values.earlyStopping }
      : undefined,
    maxTrialCount: numeric(values.maxTrialCount, true) as number,
    parallelTrialCount: numeric(values.parallelTrialCount, true) as number | undefined,
    maxFailedTrialCount: numeric(values.maxFailedTrialCount, true) as number | undefined,
    trial: trialToSpec(values.trial),
    metricsCollector:
      values.collector === 'StdOut' && !custom
        ? undefined
        : withoutUndefined({
            kind: values.collector,
            path: values.collector === 'File' ? values.path.trim() : undefined,
            format: custom ? values.format : undefined
          }),
    resumePolicy: values.resumePolicy || undefined,
    seed: numeric(values.seed, true) as number | undefined,
    sampleOutput: values.sampleLine.trim() ? values.sampleLine : undefined
  });
  return spec;
}

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

/** Form values for a spec (clone): every field the form knows. */
export function fromStudySpec(spec: IStudySpec): IStudyFormValues {
  const values = emptyStudyValues();
  const strategies: IStudyFormValues['strategies'] = {};
  for (const s of spec.objective.metricStrategies ?? []) {
    strategies[s.name] = s.value;
  }
  return {
    ...values,
    name: spec.name ?? '',
    metricName: spec.objective.metricName,
    type: spec.objective.type,
    goal: text(spec.objective.goal),
    additionalMetrics: (spec.objective.additionalMetricNames ?? []).join(', '),
    strategies,
    parameters: spec.parameters.map(p => ({
      name: p.name,
      type: p.parameterType,
      min: text(p.min),
      max: text(p.max),
      step: text(p.step),
      list: (p.list ?? []).join(', '),
      distribution: p.distribution ?? ''
    })),
    algorithm: spec.algorithm.name,
    settings: { [spec.algorithm.name]: { ...(spec.algorithm.settings ?? {}) } },
    earlyStopping: spec.earlyStopping?.name ?? '',
    earlyStoppingSettings: { ...(spec.earlyStopping?.settings ?? {}) } as Record<string, string>,
    maxTrialCount: String(spec.maxTrialCount),
    parallelTrialCount: text(spec.parallelTrialCount),
    maxFailedTrialCount: text(spec.maxFailedTrialCount),
    collector: spec.metricsCollector?.kind ?? 'StdOut',
    formatMode: spec.metricsCollector?.format ? 'custom' : 'default',
    format: spec.metricsCollector?.format ?? '',
    path: spec.metricsCollector?.path ?? '',
    sampleLine: spec.sampleOutput ?? '',
    resumePolicy: spec.resumePolicy ?? '',
    seed: text(spec.seed),
    trial: trialFromSpec(spec.trial)
  };
}

/** The trial part of the form from a training job's spec (start from a job), its name dropped. */
export function trialValuesOf(spec: ITrainingJobSpec): IFormValues {
  return trialFromSpec({ ...spec, name: undefined, namespace: undefined });
}

/** Which form field shows an error at `path` (a JSON pointer into the study spec); `form` for the banner. */
export function studyFieldOfPath(path: string): string {
  const parts = path.split('/').slice(1);
  const [top, second, third] = parts;
  switch (top) {
    case 'objective':
      return (
        {
          metricName: 'metricName',
          type: 'type',
          goal: 'goal',
          additionalMetricNames: 'additionalMetrics',
          metricStrategies: 'strategies'
        }[second] ?? 'metricName'
      );
    case 'parameters':
      if (second === undefined) {
        return 'parameters';
      }
      return `param.${second}.${third === 'parameterType' ? 'type' : (third ?? 'name')}`;
    case 'algorithm':
      return second === 'settings' && third ? `setting.${third}` : 'algorithm';
    case 'earlyStopping':
      return second === 'settings' && third ? `es.${third}` : 'earlyStopping';
    case 'metricsCollector':
      return second === 'format' ? 'format' : second === 'path' ? 'path' : 'collector';
    case 'sampleOutput':
      return 'sampleLine';
    case 'trial':
      return `trial.${trialFieldOfPath(`/${parts.slice(1).join('/')}`)}`;
    case 'name':
    case 'maxTrialCount':
    case 'parallelTrialCount':
    case 'maxFailedTrialCount':
    case 'resumePolicy':
    case 'seed':
      return top;
    default:
      return 'form';
  }
}
