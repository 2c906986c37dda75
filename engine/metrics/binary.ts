/**
 * Binary classification metrics per group, from per-group sums, the per-threshold histogram and the ranking
 * sums. Without a baseline they come from one walk over the score-sorted rows for all groupings
 * (binary-fused.ts); with one, from per-grouping passes here (paired DeLong needs per-row placements).
 * Predicted positive means score >= threshold.
 */
import { IDifference, IEstimate } from '../../contract/analysis';
import { segmentByGroup } from '../order';
import { IGrouping } from '../slicing';
import {
  dirichletInterval,
  effectiveN,
  logitNormal,
  meanStandardError,
  normal,
  NONE,
  sliceSeed,
  wilson
} from './intervals';
import { accumulate, confusionOf, IBinaryData, predictedW2, SLOT, WIDTH } from './binary-inputs';
import { IClassTotals, placementCovariance, rankingStats } from './ranking';
import { difference, IGroupOptions, IGroupResult } from './shared';

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
/** scikit-learn's `zero_division=0`: an undefined precision, recall or F1 is 0, with no interval around it. */
const ZERO: IEstimate = { value: 0, lo: null, hi: null };
const compact = (values: number[]) =>
  values.map(x => (Number.isInteger(x) ? x : Number(x.toPrecision(8))));

/** What one group's count-based metrics are computed from: sums and the per-threshold histogram. */
export interface ICountStats {
  count: number;
  /** Σw, Σw², positives' Σw and Σw², negatives' Σw². */
  W: number;
  W2: number;
  P: number;
  posW2: number;
  negW2: number;
  /** Σw per (threshold bin, label): index 2·bin + y. */
  hist: Float64Array;
  /** Σw² of the rows predicted positive at the chosen threshold. */
  ppW2: number;
}

/** What one group's metrics are computed from, whichever path (fused walk or per-grouping passes) made it. */
export interface IBinaryGroupStats extends ICountStats {
  /** Σw·p, Σw·p², Σw·p·y, Σw·loss, Σw·loss². */
  WP: number;
  WP2: number;
  WPY: number;
  WL: number;
  WL2: number;
  auc: number;
  ap: number;
  aucVariance: number;
}

/** The names `countGroupResult` computes (`metrics: "counts"`): the confusion counts at the threshold and what
 * follows from them alone. */
export const COUNT_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'selectionRate', 'fpr'];

/** A group's class totals from its histogram, summed from the top bin down (every path sums in this order). */
export function classTotals(hist: Float64Array, bins: number): { P: number; N: number } {
  let P = 0;
  let N = 0;
  for (let b = bins - 1; b >= 0; b--) {
    N += hist[2 * b];
    P += hist[2 * b + 1];
  }
  return { P, N };
}

/** One group's count-based metrics and confusion grid: no score order needed. */
export function countGroupResult(
  t: ICountStats,
  bins: number,
  k: number,
  options: IGroupOptions,
  g: number
): IGroupResult {
  const z = options.z;
  const Wt = t.W;
  const nEff = effectiveN(Wt, t.W2);
  const P = t.P;
  const N = Wt - P;
  const result: IGroupResult = { count: t.count, weightedCount: Wt };
  if (t.count < options.minSliceSize) {
    return result;
  }
  const grid = confusionOf(t.hist, 0, bins, P, N);
  const [tp, fp, fn, tn] = [grid.tp[k], grid.fp[k], grid.fn[k], grid.tn[k]];
  const nPos = effectiveN(P, t.posW2);
  const nNeg = effectiveN(N, t.negW2);
  const nPredPos = effectiveN(tp + fp, t.ppW2);
  const f1 = (cells: ArrayLike<number>) => ratio(2 * cells[0], 2 * cells[0] + cells[1] + cells[2]);
  const f1Interval = dirichletInterval([tp, fp, fn, tn], Wt > 0 ? nEff / Wt : 0, f1, {
    ...options.bootstrap,
    seed: sliceSeed(options.bootstrap.seed, options.seedOffset + g),
    confidence: options.confidence
  });
  result.metrics = {
    accuracy: wilson(ratio(tp + tn, Wt), nEff, z),
    precision: tp + fp > 0 ? wilson(tp / (tp + fp), nPredPos, z) : ZERO,
    recall: P > 0 ? wilson(tp / P, nPos, z) : ZERO,
    f1: P > 0 || fp > 0 ? { value: f1([tp, fp, fn]), ...f1Interval } : ZERO,
    selectionRate: wilson(ratio(tp + fp, Wt), nEff, z),
    fpr: N > 0 ? wilson(fp / N, nNeg, z) : NONE
  };
  result.confusion = {
    tp: compact(grid.tp),
    fp: compact(grid.fp),
    tn: compact(grid.tn),
    fn: compact(grid.fn)
  };
  return result;
}

/** One group's metrics and confusion grid (no baseline differences: binaryGroups adds those). */
export function binaryGroupResult(
  t: IBinaryGroupStats,
  bins: number,
  k: number,
  options: IGroupOptions,
  g: number
): IGroupResult {
  const result = countGroupResult(t, bins, k, options, g);
  if (!result.metrics) {
    return result;
  }
  const z = options.z;
  const Wt = t.W;
  const nEff = effectiveN(Wt, t.W2);
  const P = t.P;
  const nPos = effectiveN(P, t.posW2);
  const { auc, ap } = t;
  const meanP = t.WP / Wt;
  const meanY = P / Wt;
  const calibration = meanY > 0 ? meanP / meanY : NaN;
  const varP = t.WP2 / Wt - meanP * meanP;
  const covPY = t.WPY / Wt - meanP * meanY;
  const varY = meanY - meanY * meanY;
  const calVar =
    ((varP - 2 * calibration * covPY + calibration * calibration * varY) / (meanY * meanY)) *
    (1 / (nEff - 1));
  result.metrics = {
    ...result.metrics,
    rocAuc: Number.isFinite(auc)
      ? logitNormal(auc, Math.sqrt(t.aucVariance) / (auc * (1 - auc)), z)
      : NONE,
    prAuc: Number.isFinite(ap) ? logitNormal(ap, 1 / Math.sqrt(nPos * ap * (1 - ap)), z) : NONE,
    logLoss: normal(t.WL / Wt, meanStandardError(Wt, t.W2, t.WL, t.WL2), z, 0),
    calibration: normal(calibration, Math.sqrt(calVar), z, 0)
  };
  return result;
}

/** Per grouping passes: used for the paired (baseline) comparison, which needs per-row DeLong placements. */
export function binaryGroups(
  data: IBinaryData,
  grouping: IGrouping,
  options: IGroupOptions
): IGroupResult[] {
  const { codes, labels } = grouping;
  const groups = labels.length;
  const { label, weight, candidate, baseline, thresholdIndex: k } = data;
  const bins = data.thresholds.length + 1;
  const { sums, counts, hist, hist2 } = accumulate(data, codes, groups);
  const totals: IClassTotals = {
    pos: new Float64Array(groups),
    neg: new Float64Array(groups),
    posW2: new Float64Array(groups),
    negW2: new Float64Array(groups)
  };
  for (let g = 0; g < groups; g++) {
    const s = g * WIDTH;
    totals.pos[g] = sums[s + SLOT.POS];
    totals.neg[g] = sums[s + SLOT.W] - sums[s + SLOT.POS];
    totals.posW2[g] = sums[s + SLOT.POS_W2];
    totals.negW2[g] = sums[s + SLOT.NEG_W2];
  }
  const placeC = baseline ? new Float64Array(codes.length) : undefined;
  const placeB = baseline ? new Float64Array(codes.length) : undefined;
  const paired = !!baseline;
  const rankC = rankingStats(
    segmentByGroup(candidate.sorted, codes, groups, paired),
    totals,
    placeC
  );
  const rankB =
    baseline &&
    rankingStats(segmentByGroup(baseline.sorted, codes, groups, paired), totals, placeB);
  const aucCov =
    baseline && placementCovariance(codes, groups, label, weight, placeC!, placeB!, totals);
  const z = options.z;

  return labels.map((_, g) => {
    const s = g * WIDTH;
    const Wt = sums[s + SLOT.W];
    const result = binaryGroupResult(
      {
        count: counts[g],
        W: Wt,
        W2: sums[s + SLOT.W2],
        P: totals.pos[g],
        posW2: totals.posW2[g],
        negW2: totals.negW2[g],
        WP: sums[s + SLOT.WP],
        WP2: sums[s + SLOT.WP2],
        WPY: sums[s + SLOT.WPY],
        WL: sums[s + SLOT.WL],
        WL2: sums[s + SLOT.WL2],
        auc: rankC.auc[g],
        ap: rankC.ap[g],
        aucVariance: rankC.aucVariance[g],
        hist: hist.subarray(g * bins * 2, (g + 1) * bins * 2),
        ppW2: predictedW2(hist2, g, bins, k)
      },
      bins,
      k,
      options,
      g
    );
    if (result.metrics && baseline && rankB && aucCov) {
      const diffs: Record<string, IDifference> = {
        accuracy: difference(
          normal(
            sums[s + SLOT.ACC_D] / Wt,
            meanStandardError(Wt, sums[s + SLOT.W2], sums[s + SLOT.ACC_D], sums[s + SLOT.ACC_D2]),
            z
          )
        ),
        logLoss: difference(
          normal(
            sums[s + SLOT.LOSS_D] / Wt,
            meanStandardError(Wt, sums[s + SLOT.W2], sums[s + SLOT.LOSS_D], sums[s + SLOT.LOSS_D2]),
            z
          )
        )
      };
      const aucDiff = rankC.auc[g] - rankB.auc[g];
      const aucDiffVar = rankC.aucVariance[g] + rankB.aucVariance[g] - 2 * aucCov[g];
      diffs.rocAuc = difference(normal(aucDiff, Math.sqrt(Math.max(0, aucDiffVar)), z));
      result.baselineDiff = diffs;
    }
    return result;
  });
}
