/**
 * Optuna-compatible TPE (`optuna/samplers/_tpe/sampler.py`, v4.9 defaults: multivariate=False,
 * constant_liar=False, n_startup_trials=10, n_ei_candidates=24, gamma(n)=min(⌈0.1n⌉, 25), default_weights,
 * prior_weight=1, magic clip, no endpoints). `multivariate-tpe` is the same sampler with multivariate=True and
 * constant_liar=True, which is how Katib builds it.
 */
import { Dim, fromModel, modelSpace, sampleModelRandom, toModel } from './model-space';
import { defaultWeights, ParzenEstimator } from './parzen';
import { Rng, STREAM } from './rng';
import { floatSetting, intSetting, seedOf } from './settings';
import { Direction, ISuggestRequest, ITrialHistory, ParamValue } from './types';

export interface ITpeOptions {
  multivariate: boolean;
  constantLiar: boolean;
  nStartupTrials: number;
  nEiCandidates: number;
  priorWeight: number;
  gamma: (n: number) => number;
}

export function optunaGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Katib's `tpe` setting `gamma` is hyperopt's fraction: n_below = min(⌈γ·√n⌉, 25). */
export function hyperoptGamma(fraction: number): (n: number) => number {
  return n => Math.min(Math.ceil(fraction * Math.sqrt(n)), 25);
}

export function tpeOptions(request: ISuggestRequest): ITpeOptions {
  const s = request.algorithm.settings;
  const multivariate = request.algorithm.name === 'multivariate-tpe';
  const gammaFraction = multivariate ? undefined : floatSetting(s, ['gamma'], undefined);
  return {
    multivariate,
    constantLiar: multivariate,
    nStartupTrials: intSetting(s, ['n_startup_trials'], 10),
    nEiCandidates: intSetting(s, ['n_ei_candidates', 'n_EI_candidates'], 24),
    priorWeight: multivariate ? 1 : (floatSetting(s, ['prior_weight'], 1) ?? 1),
    gamma: gammaFraction !== undefined ? hyperoptGamma(gammaFraction) : optunaGamma
  };
}

interface IObserved {
  trial: ITrialHistory;
  x: number[];
}

/** Optuna's pruned-trial ranking: further-reaching first, then the better last intermediate value. */
function prunedScore(t: ITrialHistory, direction: Direction): [number, number] {
  const curve = t.curve ?? [];
  if (curve.length === 0) {
    return [1, 0];
  }
  let last = curve[0];
  for (const point of curve) {
    if (point.step >= last.step) {
      last = point;
    }
  }
  if (Number.isNaN(last.value)) {
    return [-last.step, Infinity];
  }
  return [-last.step, direction === 'minimize' ? last.value : -last.value];
}

/** `_split_trials`: the best gamma(n) complete trials (then pruned ones) are "below"; running ones always "above". */
export function splitTrials(
  complete: IObserved[],
  pruned: IObserved[],
  running: IObserved[],
  nBelow: number,
  direction: Direction
): { below: IObserved[]; above: IObserved[] } {
  const sign = direction === 'minimize' ? 1 : -1;
  const sortedComplete = [...complete].sort(
    (a, b) => sign * (a.trial.objective! - b.trial.objective!)
  );
  const nComplete = Math.min(nBelow, sortedComplete.length);
  const sortedPruned = [...pruned].sort((a, b) => {
    const sa = prunedScore(a.trial, direction);
    const sb = prunedScore(b.trial, direction);
    return sa[0] - sb[0] || sa[1] - sb[1];
  });
  const nPruned = Math.min(Math.max(0, nBelow - nComplete), sortedPruned.length);
  const below = [...sortedComplete.slice(0, nComplete), ...sortedPruned.slice(0, nPruned)];
  const above = [...sortedComplete.slice(nComplete), ...sortedPruned.slice(nPruned), ...running];
  const byIndex = (a: IObserved, b: IObserved) => a.trial.index - b.trial.index;
  return { below: below.sort(byIndex), above: above.sort(byIndex) };
}

function observe(dims: Dim[], trial: ITrialHistory): IObserved | undefined {
  const x = dims.map(dim =>
    trial.params[dim.p.name] === undefined ? NaN : toModel(dim, trial.params[dim.p.name])
  );
  return x.some(Number.isNaN) ? undefined : { trial, x };
}

/**
 * Failed and metricsUnavailable trials are left out entirely (Optuna's FAIL); earlyStopped ones are Optuna's
 * PRUNED; succeeded ones without a finite objective count as failed.
 */
export function classify(dims: Dim[], history: ITrialHistory[]) {
  const complete: IObserved[] = [];
  const pruned: IObserved[] = [];
  const running: IObserved[] = [];
  for (const trial of history) {
    const seen = observe(dims, trial);
    if (!seen) {
      continue;
    }
    if (trial.state === 'succeeded' && Number.isFinite(trial.objective)) {
      complete.push(seen);
    } else if (trial.state === 'earlyStopped') {
      pruned.push(seen);
    } else if (trial.state === 'running') {
      running.push(seen);
    }
  }
  return { complete, pruned, running };
}

export function suggestTpe(
  request: ISuggestRequest,
  history: ITrialHistory[]
): Record<string, ParamValue> {
  const options = tpeOptions(request);
  const dims = modelSpace(request.parameters);
  const index = history.length;
  const rng = new Rng(seedOf(request.seed, request.algorithm.settings), index, STREAM.tpe);
  const { complete, pruned, running } = classify(dims, history);
  const out: Record<string, ParamValue> = {};
  if (complete.length + pruned.length < options.nStartupTrials) {
    for (const dim of dims) {
      out[dim.p.name] = sampleModelRandom(dim, rng);
    }
    return out;
  }
  const n = complete.length + pruned.length;
  const { below, above } = splitTrials(
    complete,
    pruned,
    options.constantLiar ? running : [],
    options.gamma(n),
    request.direction
  );
  // Univariate: every parameter is its own one-dimensional TPE, as Optuna's sample_independent.
  const groups: number[][] = options.multivariate
    ? [dims.map((_, d) => d)]
    : dims.map((_, d) => [d]);
  for (const group of groups) {
    const groupDims = group.map(d => dims[d]);
    const pick = (obs: IObserved[]) => obs.map(o => group.map(d => o.x[d]));
    const estimator = (obs: IObserved[]) =>
      new ParzenEstimator(groupDims, pick(obs), {
        priorWeight: options.priorWeight,
        multivariate: options.multivariate,
        weights: defaultWeights(obs.length)
      });
    const l = estimator(below);
    const g = estimator(above);
    const candidates = l.sample(rng, options.nEiCandidates);
    let best = candidates[0];
    let bestScore = -Infinity;
    for (const c of candidates) {
      const score = l.logPdf(c) - g.logPdf(c);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    groupDims.forEach((dim, i) => (out[dim.p.name] = fromModel(dim, best[i])));
  }
  return out;
}
