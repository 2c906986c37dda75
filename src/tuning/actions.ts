/**
 * The pure halves of the study actions: the training job "train with best parameters" opens, and the checks
 * of a budget edit (the three fields Katib lets change), so the dialog says what is wrong before the proxy does.
 */
import { IStudy, IStudyBudget } from '../../contract/study';
import { parameterEnvName } from '../../contract/study-rules';
import { ITrainingJobSpec } from '../../contract/training';
import { substitute } from './preview';
import { bestTrial } from './trials';

/**
 * The study's trial job with the best trial's values put where the trials got theirs: every
 * `${trialParameters.X}` replaced, and each parameter's environment variable set. Undefined without a best
 * trial or a spec.
 */
export function bestTrainingSpec(study: IStudy): ITrainingJobSpec | undefined {
  const trial = study.spec?.trial;
  const best = bestTrial(study);
  if (!trial || !best) {
    return undefined;
  }
  const values = study.best?.trial === best.name ? study.best.params : best.params;
  const sub = (text: string) => substitute(text, values);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(trial.env ?? {})) {
    env[k] = sub(v);
  }
  for (const [name, value] of Object.entries(values)) {
    env[parameterEnvName(name)] ??= value;
  }
  const spec: ITrainingJobSpec = {
    ...trial,
    name: `${study.name}-best`.slice(0, 48).replace(/-+$/, ''),
    namespace: undefined,
    command: trial.command?.map(sub),
    args: trial.args?.map(sub),
    env,
    image: trial.image && sub(trial.image),
    source: trial.source && { ...trial.source, content: sub(trial.source.content) }
  };
  return JSON.parse(JSON.stringify(spec)) as ITrainingJobSpec;
}

export interface IBudgetText {
  maxTrialCount: string;
  parallelTrialCount: string;
  maxFailedTrialCount: string;
}

export function budgetText(study: IStudy): IBudgetText {
  const s = study.spec;
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    maxTrialCount: text(s?.maxTrialCount),
    parallelTrialCount: text(s?.parallelTrialCount ?? 3),
    maxFailedTrialCount: text(s?.maxFailedTrialCount)
  };
}

/** The budget to send, or the problems by field. Only changed fields are sent. */
export function checkBudget(
  text: IBudgetText,
  study: IStudy
): { budget: IStudyBudget } | { problems: Partial<Record<keyof IBudgetText, string>> } {
  const problems: Partial<Record<keyof IBudgetText, string>> = {};
  const values: Partial<Record<keyof IBudgetText, number>> = {};
  for (const key of Object.keys(text) as (keyof IBudgetText)[]) {
    const t = text[key].trim();
    if (t === '') {
      if (key === 'maxTrialCount' || key === 'parallelTrialCount') {
        problems[key] = 'is required';
      }
      continue;
    }
    if (!/^\d+$/.test(t)) {
      problems[key] = 'must be a whole number';
      continue;
    }
    values[key] = Number(t);
  }
  const max = values.maxTrialCount;
  const started = study.trials.length;
  if (max !== undefined && max < 1) {
    problems.maxTrialCount = 'must be at least 1';
  } else if (max !== undefined && max < started) {
    problems.maxTrialCount = `must be at least ${started}, the trials already created`;
  }
  if (values.parallelTrialCount !== undefined && values.parallelTrialCount < 1) {
    problems.parallelTrialCount = 'must be at least 1';
  } else if (max !== undefined && (values.parallelTrialCount ?? 0) > max) {
    problems.parallelTrialCount = `must be at most the max trials (${max})`;
  }
  if (Object.keys(problems).length) {
    return { problems };
  }
  const before = budgetText(study);
  const budget: IStudyBudget = {};
  for (const key of Object.keys(values) as (keyof IBudgetText)[]) {
    if (String(values[key]) !== before[key]) {
      budget[key] = values[key];
    }
  }
  return { budget };
}

/** A study still choosing or running trials (stop makes sense). */
export function isActive(study: IStudy): boolean {
  return study.phase === 'Created' || study.phase === 'Running' || study.phase === 'Restarting';
}
