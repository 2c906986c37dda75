/**
 * Optuna's Parzen estimator (`optuna/samplers/_tpe/parzen_estimator.py`, v4.9): one truncated-normal kernel per
 * observation plus a prior kernel (μ = centre, σ = range, weight `priorWeight`) per numeric dimension, and
 * "observed choice + prior_weight/n_kernels everywhere" rows for categorical ones. Univariate σ: the larger gap to
 * the sorted neighbours (bounds as outer neighbours; without consider_endpoints the outermost kernels use their
 * inner gap only); multivariate σ: 0.2·n^(−1/(d+4))·range. Magic clip: σ ∈ [range/min(100, 1+n_kernels), range].
 */
import { logGaussMass, logPhi } from './gauss';
import { Dim } from './model-space';
import { Rng } from './rng';

export interface IParzenOptions {
  priorWeight: number;
  multivariate: boolean;
  /** Weights of the observations (Optuna's default_weights), before the prior weight is appended. */
  weights: number[];
}

interface INumericKernels {
  kind: 'num';
  mus: number[];
  sigmas: number[];
  /** log of the kernel's mass on the model-space bounds, one per kernel. */
  logNorm: number[];
  low: number;
  high: number;
  step?: number;
}

interface ICategoricalKernels {
  kind: 'cat';
  /** Row-normalised log probabilities, one row per kernel. */
  logProbs: number[][];
}

type Kernels = INumericKernels | ICategoricalKernels;

/** Optuna's default_weights: flat below 25 observations, then older ones ramp down linearly. */
export function defaultWeights(n: number): number[] {
  if (n < 25) {
    return new Array<number>(n).fill(1);
  }
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) {
    out.push(ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1));
  }
  for (let i = 0; i < 25; i++) {
    out.push(1);
  }
  return out;
}

export class ParzenEstimator {
  private readonly logWeights: number[];
  private readonly weights: number[];
  private readonly kernels: Kernels[];

  /** `observations[i][d]`: model-space value of dimension d in observation i. */
  constructor(
    private readonly dims: Dim[],
    observations: number[][],
    options: IParzenOptions
  ) {
    const n = observations.length;
    const raw = n === 0 ? [1] : [...options.weights.slice(0, n), options.priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map(w => w / total);
    this.logWeights = this.weights.map(w => Math.log(w));
    this.kernels = dims.map((dim, d) =>
      dim.kind === 'cat'
        ? categoricalKernels(
            observations.map(o => o[d]),
            dim.n,
            options.priorWeight
          )
        : numericKernels(
            observations.map(o => o[d]),
            dim.low,
            dim.high,
            dim.step,
            options.multivariate ? dims.length : 0
          )
    );
  }

  /** Candidates drawn from the mixture: one kernel index per candidate, shared by all dimensions. */
  sample(rng: Rng, size: number): number[][] {
    const out: number[][] = [];
    for (let s = 0; s < size; s++) {
      const k = rng.choice(this.weights);
      out.push(this.kernels.map(kernels => sampleKernel(kernels, k, rng)));
    }
    return out;
  }

  logPdf(x: number[]): number {
    let max = -Infinity;
    const terms: number[] = new Array(this.weights.length);
    for (let k = 0; k < this.weights.length; k++) {
      let t = this.logWeights[k];
      for (let d = 0; d < this.kernels.length && t > -Infinity; d++) {
        t += logPdfKernel(this.kernels[d], k, x[d]);
      }
      terms[k] = t;
      if (t > max) {
        max = t;
      }
    }
    if (max === -Infinity) {
      return -Infinity;
    }
    let sum = 0;
    for (const t of terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum);
  }

  get dimensions(): Dim[] {
    return this.dims;
  }
}

export function numericKernels(
  obs: number[],
  low: number,
  high: number,
  step: number | undefined,
  multivariateDims: number
): INumericKernels {
  const n = obs.length;
  const range = high - low;
  let sigmas: number[];
  if (multivariateDims > 0) {
    const sigma = 0.2 * Math.pow(Math.max(n, 1), -1 / (multivariateDims + 4)) * range;
    sigmas = new Array<number>(n).fill(sigma);
  } else {
    const order = obs.map((_, i) => i).sort((a, b) => obs[a] - obs[b]);
    const sorted = [low, ...order.map(i => obs[i]), high];
    const sortedSigmas: number[] = [];
    for (let j = 1; j <= n; j++) {
      sortedSigmas.push(Math.max(sorted[j] - sorted[j - 1], sorted[j + 1] - sorted[j]));
    }
    // consider_endpoints=False: the outermost kernels look only inwards.
    if (n >= 2) {
      sortedSigmas[0] = sorted[2] - sorted[1];
      sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
    }
    sigmas = new Array<number>(n);
    order.forEach((i, j) => (sigmas[i] = sortedSigmas[j]));
  }
  const minSigma = range / Math.min(100, 1 + (n + 1));
  sigmas = sigmas.map(s => Math.min(range, Math.max(minSigma, s)));
  const mus = [...obs, 0.5 * (low + high)];
  sigmas.push(range);
  // Kernels live on the model bounds; for a step grid those are already widened by step/2.
  const logNorm = mus.map((mu, k) => logGaussMass((low - mu) / sigmas[k], (high - mu) / sigmas[k]));
  return { kind: 'num', mus, sigmas, logNorm, low, high, step };
}

function categoricalKernels(
  obs: number[],
  nChoices: number,
  priorWeight: number
): ICategoricalKernels {
  if (obs.length === 0) {
    return { kind: 'cat', logProbs: [new Array<number>(nChoices).fill(-Math.log(nChoices))] };
  }
  const nKernels = obs.length + 1;
  const rows: number[][] = [];
  for (let k = 0; k < nKernels; k++) {
    const row = new Array<number>(nChoices).fill(priorWeight / nKernels);
    if (k < obs.length) {
      row[obs[k]] += 1;
    }
    const sum = row.reduce((a, b) => a + b, 0);
    rows.push(row.map(v => Math.log(v / sum)));
  }
  return { kind: 'cat', logProbs: rows };
}

function sampleKernel(kernels: Kernels, k: number, rng: Rng): number {
  if (kernels.kind === 'cat') {
    return rng.choice(kernels.logProbs[k].map(Math.exp));
  }
  const x = sampleTruncNormal(kernels.mus[k], kernels.sigmas[k], kernels.low, kernels.high, rng);
  if (kernels.step === undefined) {
    return x;
  }
  // Back onto the grid low+step/2, low+3step/2, … (the model bounds are widened by step/2).
  const gridLow = kernels.low + kernels.step / 2;
  const gridHigh = kernels.high - kernels.step / 2;
  const snapped = gridLow + Math.round((x - gridLow) / kernels.step) * kernels.step;
  return Math.min(gridHigh, Math.max(gridLow, snapped));
}

/**
 * Rejection sampling is exact and cheap here: every kernel's μ lies inside [low, high] and σ ≤ high − low,
 * so at least ~34 % of draws land inside.
 */
function sampleTruncNormal(mu: number, sigma: number, low: number, high: number, rng: Rng): number {
  for (let i = 0; i < 1000; i++) {
    const x = mu + sigma * rng.normal();
    if (x >= low && x <= high) {
      return x;
    }
  }
  return Math.min(high, Math.max(low, mu));
}

function logPdfKernel(kernels: Kernels, k: number, x: number): number {
  if (kernels.kind === 'cat') {
    return kernels.logProbs[k][x];
  }
  const mu = kernels.mus[k];
  const sigma = kernels.sigmas[k];
  if (kernels.step === undefined) {
    return logPhi((x - mu) / sigma) - Math.log(sigma) - kernels.logNorm[k];
  }
  const half = kernels.step / 2;
  const lower = Math.max(x - half, kernels.low);
  const upper = Math.min(x + half, kernels.high);
  return logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - kernels.logNorm[k];
}
