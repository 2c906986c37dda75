/**
 * ROC-AUC, average precision and DeLong's variance for every group in one walk over rows already sorted by
 * descending score (see order.ts). Ties are handled as blocks of equal score, which reproduces scikit-learn's
 * `roc_auc_score` (trapezoids between distinct thresholds) and `average_precision_score`
 * (Σ (R_k − R_{k−1}) P_k over distinct thresholds) exactly, weights included.
 */
import { ISegments } from '../order';

export interface IRankingStats {
  auc: Float64Array;
  ap: Float64Array;
  /** DeLong variance of the AUC (weighted placements, Kish effective counts). */
  aucVariance: Float64Array;
}

export interface IClassTotals {
  pos: Float64Array;
  neg: Float64Array;
  posW2: Float64Array;
  negW2: Float64Array;
}

const weightedVariance = (sum: number, sumSq: number, total: number, nEff: number) =>
  nEff > 1 ? Math.max(0, sumSq / total - (sum / total) ** 2) * (nEff / (nEff - 1)) : NaN;

/**
 * `placement` (optional, one per row) receives each row's DeLong placement value — for a positive the share of
 * negatives ranked below it (ties half), for a negative the share of positives ranked above — so a paired
 * comparison can take covariances between two models.
 */
export function rankingStats(
  segments: ISegments,
  totals: IClassTotals,
  placement?: Float64Array
): IRankingStats {
  const groups = segments.start.length - 1;
  const auc = new Float64Array(groups).fill(NaN);
  const ap = new Float64Array(groups).fill(NaN);
  const aucVariance = new Float64Array(groups).fill(NaN);
  const { start, rank, label, weight, row } = segments;
  for (let g = 0; g < groups; g++) {
    const P = totals.pos[g];
    const N = totals.neg[g];
    let tpAbove = 0;
    let fpAbove = 0;
    let area = 0;
    let apSum = 0;
    let s10 = 0;
    let s10sq = 0;
    let s01 = 0;
    let s01sq = 0;
    let blockStart = start[g];
    const end = start[g + 1];
    while (blockStart < end) {
      const blockRank = rank[blockStart];
      let tb = 0;
      let fb = 0;
      let i = blockStart;
      for (; i < end; i++) {
        if (rank[i] !== blockRank) {
          break;
        }
        const w = weight === null ? 1 : weight[i];
        if (label[i] === 1) {
          tb += w;
        } else {
          fb += w;
        }
      }
      area += fb * (tpAbove + tb / 2);
      const v10 = (N - fpAbove - fb / 2) / N;
      const v01 = (tpAbove + tb / 2) / P;
      s10 += tb * v10;
      s10sq += tb * v10 * v10;
      s01 += fb * v01;
      s01sq += fb * v01 * v01;
      if (placement && row) {
        for (let k = blockStart; k < i; k++) {
          placement[row[k]] = label[k] === 1 ? v10 : v01;
        }
      }
      tpAbove += tb;
      fpAbove += fb;
      if (tb > 0) {
        apSum += (tb * tpAbove) / (tpAbove + fpAbove);
      }
      blockStart = i;
    }
    if (P > 0) {
      ap[g] = apSum / P;
    }
    if (P > 0 && N > 0) {
      auc[g] = area / (P * N);
      const nPos = (P * P) / totals.posW2[g];
      const nNeg = (N * N) / totals.negW2[g];
      aucVariance[g] =
        weightedVariance(s10, s10sq, P, nPos) / nPos + weightedVariance(s01, s01sq, N, nNeg) / nNeg;
    }
  }
  return { auc, ap, aucVariance };
}

/**
 * DeLong covariance between two models' AUCs on the same rows, from their per-row placement values
 * (weighted covariances among positives and among negatives).
 */
export function placementCovariance(
  codes: Int32Array,
  groups: number,
  label: Float64Array,
  weight: Float64Array | null,
  a: Float64Array,
  b: Float64Array,
  totals: IClassTotals
): Float64Array {
  const sums = new Float64Array(groups * 6); // per class: Σwa, Σwb, Σwab
  for (let r = 0; r < codes.length; r++) {
    const w = weight === null ? 1 : weight[r];
    const base = codes[r] * 6 + (label[r] === 1 ? 0 : 3);
    sums[base] += w * a[r];
    sums[base + 1] += w * b[r];
    sums[base + 2] += w * a[r] * b[r];
  }
  const covariance = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let total = 0;
    for (const [offset, W, W2] of [
      [0, totals.pos[g], totals.posW2[g]],
      [3, totals.neg[g], totals.negW2[g]]
    ]) {
      const s = g * 6 + offset;
      const nEff = (W * W) / W2;
      const cov = (sums[s + 2] / W - (sums[s] / W) * (sums[s + 1] / W)) * (nEff / (nEff - 1));
      total += cov / nEff;
    }
    covariance[g] = total;
  }
  return covariance;
}
