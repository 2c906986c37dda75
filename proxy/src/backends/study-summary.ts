/** What both study backends compute the same way from their trials: counts, the best trial, bounded curves. */
import { ICurvePoint, IStudy, IStudyCounts, ITrial, TrialPhase } from '../../../contract/study';

const COUNT_OF: Record<TrialPhase, keyof IStudyCounts> = {
  Pending: 'pending',
  Unknown: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Killed: 'killed',
  EarlyStopped: 'earlyStopped',
  MetricsUnavailable: 'metricsUnavailable'
};

export function countsOf(trials: ITrial[]): IStudyCounts {
  const counts: IStudyCounts = {
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    killed: 0,
    earlyStopped: 0,
    metricsUnavailable: 0
  };
  for (const t of trials) {
    counts[COUNT_OF[t.phase]] += 1;
  }
  return counts;
}

/** The best finished trial by the objective (Succeeded or EarlyStopped, as Katib counts them). */
export function bestOf(trials: ITrial[], maximize: boolean): IStudy['best'] {
  let best: ITrial | undefined;
  for (const t of trials) {
    if (t.objective === undefined || !['Succeeded', 'EarlyStopped'].includes(t.phase)) {
      continue;
    }
    if (!best || (maximize ? t.objective > best.objective! : t.objective < best.objective!)) {
      best = t;
    }
  }
  return best ? { trial: best.name, objective: best.objective!, params: best.params } : undefined;
}

/** Bounds a curve to MAX_CURVE_POINTS by keeping every other old point (the newest always stays). */
export function appendToCurve(
  curve: ICurvePoint[],
  point: ICurvePoint,
  max: number
): ICurvePoint[] {
  const next = [...curve, point];
  if (next.length <= max) {
    return next;
  }
  const thinned = next.slice(0, -1).filter((_, i) => i % 2 === 0);
  return [...thinned, point];
}
