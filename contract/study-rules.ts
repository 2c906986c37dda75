/**
 * The rules of a study that JSON Schema cannot say: they span fields (grid size vs budget, hyperband brackets
 * vs parallelism, `${trialParameters.X}` vs the parameter list, the metric regex). The form, the proxy and the
 * magics all run them after the schema, so a study Katib or a suggestion service would reject (or silently
 * change) is refused before anything is created, with the field path and the reason.
 */
import { IFieldError } from './errors';
import { metricFormatProblem, MetricReader } from './metric-format';
import { IStudyParameter, IStudySpec } from './study';
import { checkAlgorithm } from '../tuner/check';
import { gridSize as tunerGridSize } from '../tuner/grid';
import { ISuggestRequest } from '../tuner/types';

/** `${trialParameters.NAME}`: Katib's substitution syntax (consts.TrialTemplateParamReplaceFormat). */
export const TRIAL_PARAMETER_REF = /\$\{trialParameters\.([^{}]*)\}/g;

/** Algorithms whose Katib 0.19 suggestion service (Optuna) drops normal/logNormal parameters silently; grid's
 * rule comes with the tuner's grid checks. */
const OPTUNA_BACKED = ['multivariate-tpe'];

/** The environment variable a parameter also arrives in: upper-cased, '-' → '_' (`num-layers` → NUM_LAYERS). */
export function parameterEnvName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The tuner's view of a study (tuner/types.ts): the local backend suggests with it, and the rules Katib's
 * suggestion services share with our tuner (grid, cmaes, hyperband) are checked by the tuner's own code. */
export function toSuggestRequest(spec: IStudySpec): ISuggestRequest {
  return {
    algorithm: { name: spec.algorithm.name, settings: spec.algorithm.settings },
    parameters: toTunerParameters(spec.parameters),
    direction: spec.objective.type,
    seed: spec.seed ?? 0,
    maxTrialCount: spec.maxTrialCount,
    parallelTrialCount: spec.parallelTrialCount ?? 3
  };
}

function toTunerParameters(parameters: IStudyParameter[]): ISuggestRequest['parameters'] {
  return parameters.map(p => ({
    name: p.name,
    type: p.parameterType,
    min: p.min,
    max: p.max,
    step: p.step,
    list: p.list,
    distribution: p.distribution
  }));
}

/** Number of grid points (Infinity when a double parameter has no step), counted as the grid search does. */
export function gridSize(parameters: IStudyParameter[]): number {
  return tunerGridSize(toTunerParameters(parameters));
}

/** The tuner's paths use its own field names; the spec's are Katib's. */
function specPath(path: string): string {
  return path.replace(/^(\/parameters\/\d+)\/type$/, '$1/parameterType');
}

/** Where `${trialParameters.X}` may appear in a trial, with the JSON pointer of each place. */
function trialTexts(spec: IStudySpec): { path: string; text: string }[] {
  const t = spec.trial;
  const texts: { path: string; text: string }[] = [];
  t.command?.forEach((text, i) => texts.push({ path: `/trial/command/${i}`, text }));
  t.args?.forEach((text, i) => texts.push({ path: `/trial/args/${i}`, text }));
  for (const [k, text] of Object.entries(t.env ?? {})) {
    texts.push({ path: `/trial/env/${escapePointer(k)}`, text });
  }
  if (t.source) {
    texts.push({ path: '/trial/source/content', text: t.source.content });
  }
  if (t.image) {
    texts.push({ path: '/trial/image', text: t.image });
  }
  return texts;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The names referenced as `${trialParameters.X}` anywhere in the trial. */
export function referencedParameters(spec: IStudySpec): Set<string> {
  const names = new Set<string>();
  for (const { text } of trialTexts(spec)) {
    for (const m of text.matchAll(TRIAL_PARAMETER_REF)) {
      names.add(m[1]);
    }
  }
  return names;
}

function parameterProblems(spec: IStudySpec): IFieldError[] {
  const errors: IFieldError[] = [];
  const seen = new Map<string, string>();
  spec.parameters.forEach((p, i) => {
    const at = (field: string) => `/parameters/${i}/${field}`;
    const env = parameterEnvName(p.name);
    if (seen.has(env)) {
      const other = seen.get(env);
      errors.push({
        path: at('name'),
        message:
          other === p.name
            ? `"${p.name}" is used by another parameter`
            : `arrives in the same environment variable ${env} as "${other}"; rename one`
      });
    }
    seen.set(env, p.name);
    if (p.min !== undefined && p.max !== undefined && p.min >= p.max) {
      errors.push({ path: at('max'), message: `must be greater than min (${p.min})` });
    }
    if (
      p.step !== undefined &&
      p.min !== undefined &&
      p.max !== undefined &&
      p.step > p.max - p.min
    ) {
      errors.push({ path: at('step'), message: `must be at most max − min (${p.max - p.min})` });
    }
    const logScale = p.distribution === 'logUniform' || p.distribution === 'logNormal';
    if (logScale && p.min !== undefined && p.min <= 0) {
      errors.push({
        path: at('min'),
        message: `must be greater than 0 for a ${p.distribution} distribution`
      });
    }
    if (p.parameterType === 'categorical' && p.list?.some(v => String(v).includes(','))) {
      // Katib's UI and CSV views split on commas; a value with one breaks them.
      errors.push({ path: at('list'), message: 'values must not contain a comma' });
    }
    if (
      OPTUNA_BACKED.includes(spec.algorithm.name) &&
      (p.distribution === 'normal' || p.distribution === 'logNormal')
    ) {
      errors.push({
        path: at('distribution'),
        message:
          `${spec.algorithm.name} runs on Katib's Optuna service, which in Katib 0.19 silently drops a ` +
          `parameter with a ${p.distribution} distribution from the search; use uniform or logUniform`
      });
    }
  });
  return errors;
}

/** Algorithms whose Katib rules our tuner implements the same way (tuning-pipelines.md A.1.2). */
const SHARED_RULES = ['grid', 'cmaes', 'hyperband'];

function algorithmProblems(spec: IStudySpec): IFieldError[] {
  if (!SHARED_RULES.includes(spec.algorithm.name)) {
    return [];
  }
  return checkAlgorithm(toSuggestRequest(spec)).map(e => ({
    path: specPath(e.path),
    message: e.message
  }));
}

function budgetProblems(spec: IStudySpec): IFieldError[] {
  const errors: IFieldError[] = [];
  if ((spec.parallelTrialCount ?? 3) > spec.maxTrialCount) {
    // Katib's default parallelism is 3: a study of 1 or 2 trials needs an explicit parallelTrialCount.
    errors.push({
      path: '/parallelTrialCount',
      message: `must be at most maxTrialCount (${spec.maxTrialCount})`
    });
  }
  if (spec.maxFailedTrialCount !== undefined && spec.maxFailedTrialCount > spec.maxTrialCount) {
    errors.push({
      path: '/maxFailedTrialCount',
      message: `must be at most maxTrialCount (${spec.maxTrialCount})`
    });
  }
  return errors;
}

function objectiveProblems(spec: IStudySpec): IFieldError[] {
  const errors: IFieldError[] = [];
  const o = spec.objective;
  const names = [o.metricName, ...(o.additionalMetricNames ?? [])];
  if (o.additionalMetricNames?.includes(o.metricName)) {
    const i = o.additionalMetricNames.indexOf(o.metricName);
    errors.push({
      path: `/objective/additionalMetricNames/${i}`,
      message: 'must not repeat the objective metric'
    });
  }
  o.metricStrategies?.forEach((s, i) => {
    if (!names.includes(s.name)) {
      errors.push({
        path: `/objective/metricStrategies/${i}/name`,
        message: `must be the objective or an additional metric (${names.join(', ')})`
      });
    }
  });
  return errors;
}

function trialProblems(spec: IStudySpec): IFieldError[] {
  const errors: IFieldError[] = [];
  const names = new Set(spec.parameters.map(p => p.name));
  for (const { path, text } of trialTexts(spec)) {
    for (const m of text.matchAll(TRIAL_PARAMETER_REF)) {
      if (!names.has(m[1])) {
        errors.push({
          path,
          message: `uses \${trialParameters.${m[1]}}, but there is no parameter "${m[1]}" (there are: ${[...names].join(', ')})`
        });
      }
    }
  }
  const envNames = new Set(Object.keys(spec.trial.env ?? {}));
  spec.parameters.forEach((p, i) => {
    const env = parameterEnvName(p.name);
    if (envNames.has(env)) {
      errors.push({
        path: `/trial/env/${escapePointer(env)}`,
        message: `is set by the study to parameter "${p.name}" (parameters/${i}); remove it or use \${trialParameters.${p.name}}`
      });
    }
  });
  return errors;
}

function collectorProblems(spec: IStudySpec): IFieldError[] {
  const errors: IFieldError[] = [];
  const mc = spec.metricsCollector ?? { kind: 'StdOut' };
  if (mc.kind === 'File' && !mc.path) {
    errors.push({
      path: '/metricsCollector/path',
      message: 'is required for the File collector (e.g. /var/log/katib/metrics.log)'
    });
  }
  if (mc.kind === 'StdOut' && mc.path !== undefined) {
    errors.push({
      path: '/metricsCollector/path',
      message: 'is only for the File collector; StdOut reads the output'
    });
  }
  const problem = mc.format === undefined ? undefined : metricFormatProblem(mc.format);
  if (problem) {
    errors.push({ path: '/metricsCollector/format', message: problem });
  } else if (spec.sampleOutput !== undefined) {
    const reader = new MetricReader([spec.objective.metricName], mc.format);
    if (reader.readText(spec.sampleOutput).length === 0) {
      errors.push({
        path: '/sampleOutput',
        message: sampleMismatch(
          spec.objective.metricName,
          spec.sampleOutput,
          mc.format === undefined
        )
      });
    }
  }
  return errors;
}

function sampleMismatch(metric: string, sample: string, defaultFormat: boolean): string {
  const base = `gives no value for "${metric}" with the metric format, so every trial would end MetricsUnavailable`;
  if (
    defaultFormat &&
    new RegExp(`${metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(sample)
  ) {
    return `${base}: print ${metric}=<value> (with '='), not ${metric}: <value>`;
  }
  return `${base}; print a line such as ${metric}=0.93`;
}

/** Every cross-field problem of a schema-valid spec, as field paths into it with readable words. */
export function checkStudySpec(spec: IStudySpec): IFieldError[] {
  return [
    ...objectiveProblems(spec),
    ...parameterProblems(spec),
    ...algorithmProblems(spec),
    ...budgetProblems(spec),
    ...trialProblems(spec),
    ...collectorProblems(spec)
  ];
}
