/**
 * Confidence intervals. Analytic where a standard method exists (cheap at any row count); a seeded Bayesian
 * bootstrap over confusion cells where it does not (its cost depends on the number of cells, not of rows).
 * Weighted data use Kish's effective sample size n_eff = (Σw)² / Σw² in place of n.
 */
import { IEstimate } from '../../contract/analysis';

export const NONE: IEstimate = { value: null, lo: null, hi: null };

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - low) {
    return -normalQuantile(1 - p);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Two-sided z for a confidence level (0.95 → 1.95996…). */
export const zOf = (confidence: number): number => normalQuantile(0.5 + confidence / 2);

export const effectiveN = (sumW: number, sumW2: number): number =>
  sumW2 > 0 ? (sumW * sumW) / sumW2 : 0;

/** Wilson score interval for a proportion p observed on n (effective) trials. */
export function wilson(p: number, n: number, z: number): IEstimate {
  if (!(n > 0) || !Number.isFinite(p)) {
    return NONE;
  }
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return {
    value: p,
    lo: Math.max(0, center - half),
    hi: Math.min(1, center + half)
  };
}

/** value ± z·se, optionally clamped to bounds. */
export function normal(
  value: number,
  se: number,
  z: number,
  min = -Infinity,
  max = Infinity
): IEstimate {
  if (!Number.isFinite(value)) {
    return NONE;
  }
  if (!Number.isFinite(se)) {
    return { value, lo: null, hi: null };
  }
  return {
    value,
    lo: Math.max(min, value - z * se),
    hi: Math.min(max, value + z * se)
  };
}

/** Interval on the logit scale mapped back: keeps a proportion-like metric inside (0, 1). */
export function logitNormal(value: number, seLogit: number, z: number): IEstimate {
  if (!Number.isFinite(value)) {
    return NONE;
  }
  if (value <= 0 || value >= 1 || !Number.isFinite(seLogit)) {
    // At 0 or 1 the logit interval degenerates to a point, which would claim certainty: report none.
    return { value, lo: null, hi: null };
  }
  const logit = Math.log(value / (1 - value));
  const back = (x: number) => 1 / (1 + Math.exp(-x));
  return {
    value,
    lo: back(logit - z * seLogit),
    hi: back(logit + z * seLogit)
  };
}

/**
 * Standard error of a weighted mean from Σw, Σw², Σwx, Σwx² (Σw-normalised variance with the effective-n
 * correction; reduces to s/√n for unit weights).
 */
export function meanStandardError(
  sumW: number,
  sumW2: number,
  sumWX: number,
  sumWX2: number
): number {
  const n = effectiveN(sumW, sumW2);
  if (!(n > 1)) {
    return NaN;
  }
  const mean = sumWX / sumW;
  const variance = Math.max(0, sumWX2 / sumW - mean * mean) * (n / (n - 1));
  return Math.sqrt(variance / n);
}

/** Small fast seeded generator (sfc32, seeded through splitmix32) so intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return (t + 0.5) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted with U^(1/shape)). */
export function gamma(shape: number, random: () => number): number {
  if (shape <= 0) {
    return 0;
  }
  if (shape < 1) {
    return gamma(shape + 1, random) * Math.pow(random(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      return d * v;
    }
  }
}

/**
 * Bayesian bootstrap over the cells of a confusion table: draws cell proportions from Dirichlet(counts)
 * `samples` times, evaluates `statistic` on each draw, and answers the central percentile interval.
 * Counts of weighted data are rescaled to the effective sample size first.
 */
export function dirichletInterval(
  counts: ArrayLike<number>,
  scale: number,
  statistic: (cells: Float64Array) => number,
  options: { samples: number; seed: number; confidence: number }
): { lo: number | null; hi: number | null } {
  const random = seededRandom(options.seed);
  const cells = new Float64Array(counts.length);
  const draws: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      cells[i] = gamma(counts[i] * scale, random);
      total += cells[i];
    }
    if (total > 0) {
      const value = statistic(cells);
      if (Number.isFinite(value)) {
        draws.push(value);
      }
    }
  }
  if (draws.length === 0) {
    return { lo: null, hi: null };
  }
  draws.sort((x, y) => x - y);
  const tail = (1 - options.confidence) / 2;
  const at = (q: number) =>
    draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))];
  return { lo: at(tail), hi: at(1 - tail) };
}

/** Mixes a seed with a slice index so each slice gets its own reproducible stream, independent of order. */
export const sliceSeed = (seed: number, index: number): number =>
  (Math.imul(seed ^ 0x5bd1e995, 31) + index * 0x9e3779b1) >>> 0;
