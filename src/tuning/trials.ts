/**
 * Pure selectors over a study's trials: which values count, the running best, sorting for the trials table,
 * and the words for a trial's state. The plots and the views share them, so they never disagree.
 */
import { IStudy, ITrial, TrialPhase } from '../../contract/study';

export type Direction = 'maximize' | 'minimize';

/** Trials whose objective is final: Katib ranks Succeeded and EarlyStopped trials only. */
export function isFinal(trial: Pick<ITrial, 'phase'>): boolean {
  return trial.phase === 'Succeeded' || trial.phase === 'EarlyStopped';
}

export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

export function directionOf(study: Pick<IStudy, 'spec'>): Direction {
  return study.spec?.objective.type ?? 'maximize';
}

export function objectiveNameOf(study: Pick<IStudy, 'spec'>): string {
  return study.spec?.objective.metricName ?? 'objective';
}

/** Trials in creation order. */
export function byIndex(trials: readonly ITrial[]): ITrial[] {
  return [...trials].sort((a, b) => a.index - b.index);
}

/** Per trial in creation order: the best final objective seen up to and including it (undefined before any). */
export function runningBest(
  trials: readonly ITrial[],
  direction: Direction
): { trial: ITrial; best: number | undefined }[] {
  let best: number | undefined;
  return byIndex(trials).map(trial => {
    if (isFinal(trial) && trial.objective !== undefined) {
      if (best === undefined || isBetter(trial.objective, best, direction)) {
        best = trial.objective;
      }
    }
    return { trial, best };
  });
}

/** The best final trial by the objective (the study's own `best` is preferred when the backend gives one). */
export function bestTrial(study: Pick<IStudy, 'trials' | 'best' | 'spec'>): ITrial | undefined {
  if (study.best) {
    const named = study.trials.find(t => t.name === study.best!.trial);
    if (named) {
      return named;
    }
  }
  const direction = directionOf(study);
  let best: ITrial | undefined;
  for (const trial of study.trials) {
    if (isFinal(trial) && trial.objective !== undefined) {
      if (!best || isBetter(trial.objective, best.objective!, direction)) {
        best = trial;
      }
    }
  }
  return best;
}

export type SortKey = 'index' | 'objective' | 'phase' | `param:${string}`;

export interface ISort {
  key: SortKey;
  ascending: boolean;
}

/** The order phases sort in: what needs attention first. */
const PHASE_ORDER: TrialPhase[] = [
  'Running',
  'Pending',
  'Failed',
  'MetricsUnavailable',
  'EarlyStopped',
  'Killed',
  'Succeeded',
  'Unknown'
];

/**
 * Sorted trials. Missing values (no objective yet, a parameter the trial lacks) go last in both directions;
 * numeric parameter values compare as numbers, the rest as text; ties keep creation order.
 */
export function sortTrials(trials: readonly ITrial[], sort: ISort): ITrial[] {
  const value = (t: ITrial): number | string | undefined => {
    if (sort.key === 'index') {
      return t.index;
    }
    if (sort.key === 'objective') {
      return t.objective;
    }
    if (sort.key === 'phase') {
      return PHASE_ORDER.indexOf(t.phase);
    }
    const raw = t.params[sort.key.slice('param:'.length)];
    if (raw === undefined) {
      return undefined;
    }
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  };
  const sign = sort.ascending ? 1 : -1;
  return [...trials].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === undefined || vb === undefined) {
      return va === vb ? a.index - b.index : va === undefined ? 1 : -1;
    }
    const c =
      typeof va === 'number' && typeof vb === 'number'
        ? va - vb
        : String(va).localeCompare(String(vb), undefined, { numeric: true });
    return c !== 0 ? sign * c : a.index - b.index;
  });
}

/** Next sort after a click on a column header: same column flips, a new column starts in its natural order. */
export function toggleSort(current: ISort, key: SortKey, direction: Direction): ISort {
  if (current.key === key) {
    return { key, ascending: !current.ascending };
  }
  // Objective: best first. Everything else: ascending.
  return { key, ascending: key === 'objective' ? direction === 'minimize' : true };
}

/** Why a trial is where it is, in plain words; '' when the phase says it all. */
export function trialReason(trial: ITrial): string {
  if (trial.phase === 'MetricsUnavailable') {
    return (
      trial.message ??
      'The trial ended without printing the objective metric in the format the collector reads.'
    );
  }
  const parts = [trial.reason, trial.message].filter(Boolean);
  return parts.join(': ');
}

/** True when the trial needs a look: failed, metrics lost, or running with a stuck pod. */
export function isTroubledTrial(trial: ITrial): boolean {
  return (
    trial.phase === 'Failed' ||
    trial.phase === 'MetricsUnavailable' ||
    ((trial.phase === 'Running' || trial.phase === 'Pending') && !!trial.reason)
  );
}

/** `0.93412`, `1.2e-5`: short enough for a table cell, exact enough to compare. */
export function formatValue(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) {
    return '';
  }
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) {
    return value.toExponential(3);
  }
  return String(Number(value.toPrecision(6)));
}

/** `12 trials: 8 Succeeded, 2 Running, 1 Failed, 1 EarlyStopped` from the study's counts. */
export function countsSummary(study: Pick<IStudy, 'counts' | 'trials'>): string {
  const c = study.counts;
  const parts: [number, string][] = [
    [c.running, 'Running'],
    [c.pending, 'Pending'],
    [c.succeeded, 'Succeeded'],
    [c.earlyStopped, 'EarlyStopped'],
    [c.failed, 'Failed'],
    [c.metricsUnavailable, 'MetricsUnavailable'],
    [c.killed, 'Killed']
  ];
  const total = study.trials.length;
  const shown = parts.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
  return `${total} trial${total === 1 ? '' : 's'}${shown.length ? `: ${shown.join(', ')}` : ''}`;
}

/** A parameter value as a trial got it, shortened for display when it is a long number (`0.0386764`). */
export function formatParam(raw: string | undefined): string {
  if (raw === undefined) {
    return '';
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || raw.replace(/^-?0?\.?/, '').length <= 7) {
    return raw;
  }
  return formatValue(n);
}
