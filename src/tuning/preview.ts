/**
 * "What will run": an example trial of a spec, with every `${trialParameters.X}` replaced by an example value
 * and the environment variables each parameter arrives in, plus the size of the search. Pure.
 */
import { gridSize, parameterEnvName, TRIAL_PARAMETER_REF } from '../../contract/study-rules';
import { IStudyParameter, IStudySpec } from '../../contract/study';
import { joinCommand } from '../training/form-values';

/** A value a first trial could get: the low end of a range, the first of a list. */
export function exampleValue(p: IStudyParameter): string {
  if (p.list && p.list.length) {
    return String(p.list[0]);
  }
  return p.min === undefined ? '?' : String(p.min);
}

export interface ITrialPreview {
  /** The command line of one trial, substituted (the shipped file appended as the backends do). */
  command: string;
  env: [string, string][];
  /** Number of grid points, or undefined when the space is continuous. */
  combinations?: number;
  summary: string;
}

export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(TRIAL_PARAMETER_REF, (whole, name: string) => values[name] ?? whole);
}

export function previewTrial(spec: IStudySpec): ITrialPreview {
  const values = Object.fromEntries(spec.parameters.map(p => [p.name, exampleValue(p)]));
  const trial = spec.trial;
  const words = [...(trial.command ?? (trial.source ? ['python'] : []))];
  if (trial.source) {
    words.push(trial.source.filename);
  }
  words.push(...(trial.args ?? []));
  const command = substitute(joinCommand(words), values);
  const env: [string, string][] = [
    ...Object.entries(trial.env ?? {}).map(([k, v]): [string, string] => [
      k,
      substitute(v, values)
    ]),
    ...spec.parameters.map((p): [string, string] => [parameterEnvName(p.name), values[p.name]])
  ];
  const size = gridSize(spec.parameters);
  const combinations = Number.isFinite(size) ? size : undefined;
  const parallel = spec.parallelTrialCount ?? 3;
  const summary =
    `Up to ${spec.maxTrialCount} trial${spec.maxTrialCount === 1 ? '' : 's'}, ${parallel} at a time, ` +
    `chosen by ${spec.algorithm.name}` +
    (combinations !== undefined ? ` from ${combinations} combinations` : '') +
    `; each ${spec.objective.type === 'maximize' ? 'maximizes' : 'minimizes'} ${spec.objective.metricName}` +
    (spec.earlyStopping ? ', bad trials stopped early (median stop)' : '') +
    '.';
  return { command, env, combinations, summary };
}
