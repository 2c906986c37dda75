/**
 * Regression metrics per group: MAE, RMSE and R² (weighted as scikit-learn weights them). Two passes per
 * grouping: the second needs each group's mean label for R² and its delta-method variance.
 */
import { IEstimate } from '../../contract/analysis';
import { IGrouping } from '../slicing';
import { effectiveN, meanStandardError, normal, NONE } from './intervals';
import { difference, IGroupOptions, IGroupResult } from './shared';

export interface IRegressionData {
  label: Float64Array;
  prediction: Float64Array;
  baseline?: Float64Array;
  weight: Float64Array | null;
}

// Per-group slots: Σw, Σw², count, Σwy, Σw|e|, Σw|e|², Σwe², Σwe⁴, paired |e| and e² differences (+ squares),
// then the centred sums of the second pass: Σw(y−ȳ)², Σw(y−ȳ)⁴, Σw·e²(y−ȳ)².
const [W, W2, N, WY, AE, AE2, SE, SE2, DAE, DAE2, DSE, DSE2, SST, SST2, CROSS, WIDTH] = Array.from(
  { length: 16 },
  (_, i) => i
);

function accumulate(data: IRegressionData, codes: Int32Array, groups: number): Float64Array {
  const { label, prediction, baseline, weight } = data;
  const s = new Float64Array(groups * WIDTH);
  for (let r = 0; r < codes.length; r++) {
    const o = codes[r] * WIDTH;
    const w = weight === null ? 1 : weight[r];
    const e = prediction[r] - label[r];
    const ae = Math.abs(e);
    s[o + W] += w;
    s[o + W2] += w * w;
    s[o + N]++;
    s[o + WY] += w * label[r];
    s[o + AE] += w * ae;
    s[o + AE2] += w * ae * ae;
    s[o + SE] += w * e * e;
    s[o + SE2] += w * e * e * e * e;
    if (baseline) {
      const eb = baseline[r] - label[r];
      const dAe = ae - Math.abs(eb);
      const dSe = e * e - eb * eb;
      s[o + DAE] += w * dAe;
      s[o + DAE2] += w * dAe * dAe;
      s[o + DSE] += w * dSe;
      s[o + DSE2] += w * dSe * dSe;
    }
  }
  for (let r = 0; r < codes.length; r++) {
    const o = codes[r] * WIDTH;
    const w = weight === null ? 1 : weight[r];
    const c = label[r] - s[o + WY] / s[o + W];
    const e = prediction[r] - label[r];
    s[o + SST] += w * c * c;
    s[o + SST2] += w * c * c * c * c;
    s[o + CROSS] += w * e * e * c * c;
  }
  return s;
}

/** R² = 1 − A/B (A mean squared error, B label variance); delta-method variance of the ratio A/B. */
function rSquared(s: Float64Array, o: number, nEff: number, z: number): IEstimate {
  const Wt = s[o + W];
  const A = s[o + SE] / Wt;
  const B = s[o + SST] / Wt;
  if (!(B > 0)) {
    return NONE;
  }
  const R = A / B;
  const varA = s[o + SE2] / Wt - A * A;
  const varB = s[o + SST2] / Wt - B * B;
  const cov = s[o + CROSS] / Wt - A * B;
  const se = Math.sqrt(Math.max(0, varA - 2 * R * cov + R * R * varB) / (B * B * (nEff - 1)));
  const ratio = normal(R, se, z, 0);
  return {
    value: 1 - R,
    lo: ratio.hi === null ? null : 1 - ratio.hi,
    hi: ratio.lo === null ? null : 1 - ratio.lo
  };
}

export function regressionGroups(
  data: IRegressionData,
  grouping: IGrouping,
  options: IGroupOptions
): IGroupResult[] {
  const groups = grouping.labels.length;
  const s = accumulate(data, grouping.codes, groups);
  const z = options.z;
  return grouping.labels.map((_, g) => {
    const o = g * WIDTH;
    const Wt = s[o + W];
    const result: IGroupResult = { count: s[o + N], weightedCount: Wt };
    if (s[o + N] < options.minSliceSize) {
      return result;
    }
    const nEff = effectiveN(Wt, s[o + W2]);
    const mse = normal(
      s[o + SE] / Wt,
      meanStandardError(Wt, s[o + W2], s[o + SE], s[o + SE2]),
      z,
      0
    );
    result.metrics = {
      mae: normal(s[o + AE] / Wt, meanStandardError(Wt, s[o + W2], s[o + AE], s[o + AE2]), z, 0),
      rmse: {
        value: Math.sqrt(mse.value!),
        lo: mse.lo === null ? null : Math.sqrt(mse.lo),
        hi: mse.hi === null ? null : Math.sqrt(mse.hi)
      },
      r2: rSquared(s, o, nEff, z)
    };
    if (data.baseline) {
      const paired = (sum: number, sumSq: number) =>
        difference(normal(sum / Wt, meanStandardError(Wt, s[o + W2], sum, sumSq), z));
      result.baselineDiff = {
        mae: paired(s[o + DAE], s[o + DAE2]),
        mse: paired(s[o + DSE], s[o + DSE2])
      };
    }
    return result;
  });
}
