/**
 * Multiclass metrics per group from a weighted K×K confusion table per group: accuracy, micro F1 (which equals
 * accuracy for single-label data) and macro F1 as scikit-learn defines it: the mean over every class that occurs
 * in the slice's labels or predictions — in any row, zero-weight rows included (`unique_labels` ignores
 * weights) — where a class with no weighted TP, FP or FN scores 0 (`zero_division=0`).
 */
import { Vector } from 'apache-arrow';
import { IEstimate } from '../../contract/analysis';
import { IGrouping } from '../slicing';
import { AnalysisInputError, categoryCodes } from '../table';
import {
  dirichletInterval,
  effectiveN,
  meanStandardError,
  normal,
  sliceSeed,
  wilson
} from './intervals';
import { difference, IGroupOptions, IGroupResult } from './shared';

export interface IMulticlassData {
  classes: string[];
  label: Int32Array;
  prediction: Int32Array;
  baseline?: Int32Array;
  weight: Float64Array | null;
}

/** Class codes shared by the label and prediction columns (matched by their text: 1 and "1" are one class). */
export function classCodes(
  columns: { vector: Vector; field: string; name: string }[],
  maxClasses: number
) {
  const classes: string[] = [];
  const index = new Map<string, number>();
  const coded = columns.map(({ vector, field, name }) => {
    const { codes, values } = categoryCodes(vector);
    const remap = values.map(v => {
      const key = String(v);
      if (!index.has(key)) {
        index.set(key, classes.length);
        classes.push(key);
      }
      return index.get(key)!;
    });
    const out = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0) {
        throw new AnalysisInputError(
          `column "${name}" has a missing value at row ${i}; drop or fill it first`,
          field,
          name
        );
      }
      out[i] = remap[codes[i]];
    }
    return out;
  });
  if (classes.length > maxClasses) {
    throw new AnalysisInputError(
      `the label and prediction columns hold ${classes.length} distinct classes (limit ${maxClasses}); ` +
        'is this a regression target?',
      '/label',
      columns[0].name
    );
  }
  return { classes, coded };
}

/** `present[k]` is 1 for the classes the mean runs over (see the header). */
function macroF1(
  cells: ArrayLike<number>,
  index: Int32Array,
  K: number,
  present: Uint8Array
): number {
  const tp = new Float64Array(K);
  const row = new Float64Array(K); // true class totals
  const col = new Float64Array(K); // predicted class totals
  for (let c = 0; c < index.length; c++) {
    const t = Math.floor(index[c] / K);
    const p = index[c] % K;
    row[t] += cells[c];
    col[p] += cells[c];
    if (t === p) {
      tp[t] += cells[c];
    }
  }
  let sum = 0;
  let classes = 0;
  for (let k = 0; k < K; k++) {
    if (present[k] === 1) {
      sum += row[k] + col[k] > 0 ? (2 * tp[k]) / (row[k] + col[k]) : 0;
      classes++;
    }
  }
  return classes > 0 ? sum / classes : NaN;
}

export function multiclassGroups(
  data: IMulticlassData,
  grouping: IGrouping,
  options: IGroupOptions
): IGroupResult[] {
  const { codes, labels } = grouping;
  const groups = labels.length;
  const K = data.classes.length;
  const table = new Float64Array(groups * K * K);
  const sums = new Float64Array(groups * 5); // Σw, Σw², count, Σw·d, Σw·d² (d: paired accuracy difference)
  const present = new Uint8Array(groups * K); // classes occurring in the group's rows, whatever their weight
  const { label, prediction, baseline, weight } = data;
  for (let r = 0; r < codes.length; r++) {
    const g = codes[r];
    const w = weight === null ? 1 : weight[r];
    present[g * K + label[r]] = 1;
    present[g * K + prediction[r]] = 1;
    table[(g * K + label[r]) * K + prediction[r]] += w;
    sums[g * 5] += w;
    sums[g * 5 + 1] += w * w;
    sums[g * 5 + 2]++;
    if (baseline) {
      const d = (prediction[r] === label[r] ? 1 : 0) - (baseline[r] === label[r] ? 1 : 0);
      sums[g * 5 + 3] += w * d;
      sums[g * 5 + 4] += w * d * d;
    }
  }
  return labels.map((_, g) => {
    const [Wt, W2, count, sd, sd2] = sums.subarray(g * 5, g * 5 + 5);
    const result: IGroupResult = { count, weightedCount: Wt };
    if (count < options.minSliceSize) {
      return result;
    }
    const block = table.subarray(g * K * K, (g + 1) * K * K);
    const nonZero = Int32Array.from(block.keys()).filter(c => block[c] > 0);
    const cells = Float64Array.from(nonZero, c => block[c]);
    let correct = 0;
    for (let k = 0; k < K; k++) {
      correct += block[k * K + k];
    }
    const nEff = effectiveN(Wt, W2);
    const accuracy = wilson(correct / Wt, nEff, options.z);
    const classes = present.subarray(g * K, (g + 1) * K);
    const statistic = (draw: ArrayLike<number>) => macroF1(draw, nonZero, K, classes);
    const interval = dirichletInterval(cells, nEff / Wt, statistic, {
      ...options.bootstrap,
      seed: sliceSeed(options.bootstrap.seed, options.seedOffset + g),
      confidence: options.confidence
    });
    const metrics: Record<string, IEstimate> = {
      accuracy,
      microF1: { ...accuracy },
      macroF1: { value: statistic(cells), ...interval }
    };
    result.metrics = metrics;
    if (baseline) {
      result.baselineDiff = {
        accuracy: difference(normal(sd / Wt, meanStandardError(Wt, W2, sd, sd2), options.z))
      };
    }
    return result;
  });
}
