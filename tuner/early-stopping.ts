/**
 * Early stopping rules for a running trial, given the study's history.
 *
 * `medianstop` is Katib's rule (`pkg/earlystopping/v1beta1/medianstop/service.py` and the metrics collector):
 * the rule value is the arithmetic MEAN (not the median, despite the name) over succeeded trials of the average
 * of each one's first `start_step` objective reports; it exists once `min_trials_required` (default 3) succeeded
 * trials have reports; the running trial's best value so far is compared with it from its `start_step`-th
 * report (default 4) on: stop when best < rule (maximize) or best > rule (minimize). Katib fixes the rule value
 * when the trial starts; we recompute it from the history each time (the same once the succeeded trials stop
 * changing).
 *
 * `optuna-median` is Optuna's MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1,
 * n_min_trials=1): at the trial's latest reported step s, its best value so far against the median of the
 * succeeded trials' values reported at that same step s. Different rule, different answers; labelled so.
 */
import { intSetting } from './settings';
import { Direction, IEarlyStoppingRule, IFieldError, ITrialHistory } from './types';

export const EARLY_STOPPING_RULES: readonly string[] = ['medianstop', 'optuna-median'];

/** Each rule's settings with the smallest value it accepts (Katib: min_trials_required > 0, start_step ≥ 1). */
const RULE_SETTINGS: Record<string, Record<string, number>> = {
  medianstop: { min_trials_required: 1, start_step: 1 },
  'optuna-median': { n_startup_trials: 0, n_warmup_steps: 0, interval_steps: 1, n_min_trials: 1 }
};

/** Field errors for an early-stopping rule, relative to the study spec (`/earlyStopping/...`). */
export function checkEarlyStopping(rule: IEarlyStoppingRule): IFieldError[] {
  const known = RULE_SETTINGS[rule.name];
  if (!known) {
    return [
      {
        path: '/earlyStopping/name',
        message: `the local tuner has no early-stopping rule "${rule.name}"; it has ${EARLY_STOPPING_RULES.join(', ')}`
      }
    ];
  }
  const errors: IFieldError[] = [];
  for (const [name, raw] of Object.entries(rule.settings ?? {})) {
    const path = `/earlyStopping/settings/${name}`;
    if (!(name in known)) {
      errors.push({
        path,
        message: `${rule.name} has no setting "${name}"; its settings are ${Object.keys(known).join(', ')}`
      });
    } else if (!(
      raw.trim() !== '' &&
      Number.isInteger(Number(raw)) &&
      Number(raw) >= known[name]
    )) {
      errors.push({ path, message: `${name} must be an integer ≥ ${known[name]}, got "${raw}"` });
    }
  }
  return errors;
}

/** Numbers in reasons: six significant digits, no float noise. */
const show = (x: number) => String(Number(x.toPrecision(6)));

function bestSoFar(values: number[], direction: Direction): number {
  return direction === 'maximize' ? Math.max(...values) : Math.min(...values);
}

function katibMedianStop(
  settings: Record<string, string> | undefined,
  direction: Direction,
  history: ITrialHistory[],
  trial: ITrialHistory
): { stop: boolean; reason?: string } {
  const minTrials = intSetting(settings, ['min_trials_required'], 3);
  const startStep = intSetting(settings, ['start_step'], 4);
  const averages = history
    .filter(t => t.index !== trial.index && t.state === 'succeeded' && (t.curve?.length ?? 0) > 0)
    .map(t => {
      const first = t.curve!.slice(0, startStep).map(p => p.value);
      return first.reduce((a, b) => a + b, 0) / first.length;
    });
  const reports = (trial.curve ?? []).map(p => p.value);
  if (averages.length < minTrials || reports.length < startStep) {
    return { stop: false };
  }
  const rule = averages.reduce((a, b) => a + b, 0) / averages.length;
  const best = bestSoFar(reports, direction);
  const worse = direction === 'maximize' ? best < rule : best > rule;
  if (!worse) {
    return { stop: false };
  }
  return {
    stop: true,
    reason:
      `medianstop (Katib): best objective so far ${show(best)} after ${reports.length} reports is ` +
      `${direction === 'maximize' ? 'below' : 'above'} ${show(rule)}, the mean over ${averages.length} succeeded trials ` +
      `of their first ${startStep} reports' average`
  };
}

/** np.percentile with linear interpolation. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function optunaMedian(
  settings: Record<string, string> | undefined,
  direction: Direction,
  history: ITrialHistory[],
  trial: ITrialHistory
): { stop: boolean; reason?: string } {
  const nStartup = intSetting(settings, ['n_startup_trials'], 5);
  const nWarmup = intSetting(settings, ['n_warmup_steps'], 0);
  const interval = Math.max(1, intSetting(settings, ['interval_steps'], 1));
  const nMin = Math.max(1, intSetting(settings, ['n_min_trials'], 1));
  const curve = trial.curve ?? [];
  if (curve.length === 0) {
    return { stop: false };
  }
  const steps = curve.map(p => p.step).sort((a, b) => a - b);
  const step = steps[steps.length - 1];
  const completed = history.filter(t => t.index !== trial.index && t.state === 'succeeded');
  if (completed.length < nStartup || step < nWarmup) {
    return { stop: false };
  }
  // Optuna prunes only at the first report on or after each interval boundary.
  const nearestLower = Math.floor((step - nWarmup) / interval) * interval + nWarmup;
  const secondLast = steps.length >= 2 ? steps[steps.length - 2] : -1;
  if (!(secondLast < nearestLower)) {
    return { stop: false };
  }
  const values = curve.map(p => p.value).filter(v => !Number.isNaN(v));
  if (values.length === 0) {
    return {
      stop: true,
      reason: 'optuna-median (Optuna MedianPruner): every report so far is NaN'
    };
  }
  const best = bestSoFar(values, direction);
  const atStep = completed
    .map(t => t.curve?.find(p => p.step === step)?.value)
    .filter((v): v is number => v !== undefined && !Number.isNaN(v));
  if (atStep.length < nMin) {
    return { stop: false };
  }
  const median = percentile(atStep, 50);
  const worse = direction === 'maximize' ? best < median : best > median;
  if (!worse) {
    return { stop: false };
  }
  return {
    stop: true,
    reason:
      `optuna-median (Optuna MedianPruner): best value so far ${show(best)} at step ${step} is ` +
      `${direction === 'maximize' ? 'below' : 'above'} ${show(median)}, the median of ${atStep.length} succeeded trials at that step`
  };
}

export function shouldStop(
  rule: IEarlyStoppingRule,
  direction: Direction,
  history: ITrialHistory[],
  trial: ITrialHistory
): { stop: boolean; reason?: string } {
  if (trial.state !== 'running') {
    return { stop: false };
  }
  switch (rule.name) {
    case 'medianstop':
      return katibMedianStop(rule.settings, direction, history, trial);
    case 'optuna-median':
      return optunaMedian(rule.settings, direction, history, trial);
    default:
      return { stop: false };
  }
}
