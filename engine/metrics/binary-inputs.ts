/**
 * The per-row preparation of binary metrics (threshold bin, log loss, correctness, score order) and the fused
 * pass over a grouping's rows: per-group sums and the per-threshold histogram, from which confusion counts at
 * every grid threshold follow by suffix sums.
 */
import { ISortedRows, sortRows } from '../order';

/** float64 machine epsilon: probabilities are clipped to [eps, 1 − eps] so log loss stays finite. */
const EPS = 2.220446049250313e-16;

export interface IBinaryModel {
  score: Float64Array;
  readonly sorted: ISortedRows;
  /** Per row: how many grid thresholds are <= its score. */
  readonly bin: Uint16Array;
  readonly loss: Float64Array;
  readonly correct: Uint8Array;
}

export interface IBinaryData {
  label: Float64Array;
  weight: Float64Array | null;
  thresholds: number[];
  thresholdIndex: number;
  candidate: IBinaryModel;
  baseline?: IBinaryModel;
}

/**
 * The per-row columns of one model, each computed on first use: the fused walk (binary-fused.ts) needs only the
 * scores, so it pays for none of them; the paired comparison uses them all.
 */
export function prepareModel(
  label: Float64Array,
  weight: Float64Array | null,
  score: Float64Array,
  thresholds: number[],
  threshold: number
): IBinaryModel {
  let rows: { bin: Uint16Array; loss: Float64Array; correct: Uint8Array } | undefined;
  let sorted: ISortedRows | undefined;
  const perRow = () => (rows ??= perRowColumns(label, score, thresholds, threshold));
  return {
    score,
    get sorted() {
      return (sorted ??= sortRows(score, label, weight));
    },
    get bin() {
      return perRow().bin;
    },
    get loss() {
      return perRow().loss;
    },
    get correct() {
      return perRow().correct;
    }
  };
}

function perRowColumns(
  label: Float64Array,
  score: Float64Array,
  thresholds: number[],
  threshold: number
) {
  const n = score.length;
  const bin = new Uint16Array(n);
  const loss = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const s = score[r];
    let lo = 0;
    let hi = thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (thresholds[mid] <= s) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    bin[r] = lo;
    const p = Math.min(Math.max(s, EPS), 1 - EPS);
    loss[r] = label[r] === 1 ? -Math.log(p) : -Math.log(1 - p);
    correct[r] = (s >= threshold ? 1 : 0) === label[r] ? 1 : 0;
  }
  return { bin, loss, correct };
}

// Slots of the per-group sums: Σw, Σw², positives' Σw and Σw², negatives' Σw², Σwp, Σwp², Σwpy, Σw·loss,
// Σw·loss², and the paired baseline differences (accuracy, log loss) with their squares.
export const SLOT = {
  W: 0,
  W2: 1,
  POS: 2,
  POS_W2: 3,
  NEG_W2: 4,
  WP: 5,
  WP2: 6,
  WPY: 7,
  WL: 8,
  WL2: 9,
  ACC_D: 10,
  ACC_D2: 11,
  LOSS_D: 12,
  LOSS_D2: 13
} as const;
/** Slots per group. */
export const WIDTH = 14;

/** One pass over the rows of a grouping: per-group sums (see the indices above) and the threshold histogram. */
export function accumulate(data: IBinaryData, codes: Int32Array, groups: number) {
  const { label, weight, candidate, baseline } = data;
  const bins = data.thresholds.length + 1;
  const sums = new Float64Array(groups * WIDTH);
  const counts = new Float64Array(groups);
  const hist = new Float64Array(groups * bins * 2);
  const hist2 = new Float64Array(groups * bins * 2);
  // The model's per-row columns are lazy getters: read them once, not per row.
  const { score, loss, bin, correct } = candidate;
  const base = baseline && { loss: baseline.loss, correct: baseline.correct };
  for (let r = 0; r < codes.length; r++) {
    const g = codes[r];
    const w = weight === null ? 1 : weight[r];
    const y = label[r];
    const p = score[r];
    const s = g * WIDTH;
    counts[g]++;
    sums[s + SLOT.W] += w;
    sums[s + SLOT.W2] += w * w;
    if (y === 1) {
      sums[s + SLOT.POS] += w;
      sums[s + SLOT.POS_W2] += w * w;
    } else {
      sums[s + SLOT.NEG_W2] += w * w;
    }
    sums[s + SLOT.WP] += w * p;
    sums[s + SLOT.WP2] += w * p * p;
    sums[s + SLOT.WPY] += w * p * y;
    const l = loss[r];
    sums[s + SLOT.WL] += w * l;
    sums[s + SLOT.WL2] += w * l * l;
    const h = (g * bins + bin[r]) * 2 + y;
    hist[h] += w;
    hist2[h] += w * w;
    if (base) {
      const dAcc = correct[r] - base.correct[r];
      const dLoss = l - base.loss[r];
      sums[s + SLOT.ACC_D] += w * dAcc;
      sums[s + SLOT.ACC_D2] += w * dAcc * dAcc;
      sums[s + SLOT.LOSS_D] += w * dLoss;
      sums[s + SLOT.LOSS_D2] += w * dLoss * dLoss;
    }
  }
  return { sums, counts, hist, hist2 };
}

/** Confusion counts at every grid threshold from the histogram (suffix sums). */
export function confusionOf(hist: Float64Array, g: number, bins: number, P: number, N: number) {
  const T = bins - 1;
  const tp = new Array<number>(T);
  const fp = new Array<number>(T);
  let tpRun = 0;
  let fpRun = 0;
  for (let b = T; b >= 1; b--) {
    const h = (g * bins + b) * 2;
    tpRun += hist[h + 1];
    fpRun += hist[h];
    tp[b - 1] = tpRun;
    fp[b - 1] = fpRun;
  }
  return { tp, fp, fn: tp.map(x => P - x), tn: fp.map(x => N - x) };
}

/** Σw² of group g's rows predicted positive at grid threshold k (bins above k), from the Σw² histogram. */
export function predictedW2(hist2: Float64Array, g: number, bins: number, k: number): number {
  let sum = 0;
  for (let b = bins - 1; b > k; b--) {
    sum += hist2[(g * bins + b) * 2] + hist2[(g * bins + b) * 2 + 1];
  }
  return sum;
}
