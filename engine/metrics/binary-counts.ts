/**
 * Count-based binary metrics for every grouping (`metrics: "counts"`): no sort, no ranking. One pass on the
 * calling thread gives each row its threshold bin and label as one 16-bit word (2·bin + y); then each grouping
 * accumulates, per group, the row count, Σw² per class and of the predicted positives, and the Σw histogram per
 * (bin, label) — the confusion counts at every grid threshold follow by suffix sums (confusionOf). The groupings
 * are dealt to the threads whole (one pass over the rows per thread); each is accumulated in row order by one
 * thread, so the result is the same for any number of threads.
 */
import { KernelJob } from '../kernels';
import { sharedBuffer } from '../order';
import { IGrouping } from '../slicing';
import { IBinaryData } from './binary-inputs';
import { classTotals, countGroupResult } from './binary';
import { COUNTS, countWidth } from './count-kernel';
import { IGroupOptions, IGroupResult } from './shared';

/** Each row's 2·bin + label. The grid is usually even (0, 0.01, …, 1): a guess from the spacing, then steps
 * to the exact bin, which holds for any sorted grid. */
function binLabels(data: IBinaryData, out: Uint16Array): void {
  const { label } = data;
  const score = data.candidate.score;
  const t = data.thresholds;
  const T = t.length;
  const first = t[0];
  const step = T > 1 ? (t[T - 1] - first) / (T - 1) : 1;
  for (let r = 0; r < score.length; r++) {
    const s = score[r];
    let b = Math.min(T, Math.max(0, Math.floor((s - first) / step) + 1));
    while (b > 0 && t[b - 1] > s) {
      b--;
    }
    while (b < T && t[b] <= s) {
      b++;
    }
    out[r] = 2 * b + label[r];
  }
}

const isShared = (a: ArrayBufferView) =>
  typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;

/** The array itself where it can be handed to a worker (or no worker will see it), else a shared copy. */
function shareable<T extends Float64Array | Int32Array>(a: T, threads: number): T {
  if (threads === 1 || isShared(a)) {
    return a;
  }
  const copy = new (a.constructor as { new (b: ArrayBuffer): T })(sharedBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/**
 * The count-based results of every grouping, in order; `options[i]` belongs to `groupings[i]`. `threads` is
 * how many threads run the phase's jobs. With threads, codes not already in shared memory are moved there (the
 * grouping then holds the shared copy, so memory stays one copy per column).
 */
export function* countBinaryGroups(
  data: IBinaryData,
  groupings: IGrouping[],
  options: IGroupOptions[],
  threads: number
): Generator<KernelJob[], IGroupResult[][], void> {
  const n = data.label.length;
  const bins = data.thresholds.length + 1;
  const k = data.thresholdIndex;
  const binLabel = new Uint16Array(sharedBuffer(2 * n));
  binLabels(data, binLabel);
  const weight = data.weight && shareable(data.weight, threads);
  const width = countWidth(bins);
  const counted = groupings.map(grouping => {
    if (grouping.labels.length > 1) {
      grouping.codes = shareable(grouping.codes, threads);
    }
    return {
      codes: grouping.labels.length > 1 ? grouping.codes : null,
      state: new Float64Array(sharedBuffer(8 * grouping.labels.length * width))
    };
  });
  // Every grouping costs one pass over the rows: deal them out evenly, keeping each whole.
  const parts = Math.min(threads, counted.length);
  yield Array.from({ length: parts }, (_, p): KernelJob => ({
    kernel: 'count',
    args: { n, bins, k, binLabel, weight, groupings: counted.filter((_, i) => i % parts === p) }
  }));
  return counted.map(({ state }, i) =>
    groupings[i].labels.map((_, g) => {
      const o = g * width;
      const hist = state.subarray(o + COUNTS.HIST, o + width);
      const { P, N } = classTotals(hist, bins);
      const posW2 = state[o + COUNTS.W2_POS];
      const negW2 = state[o + COUNTS.W2_NEG];
      return countGroupResult(
        {
          count: state[o + COUNTS.COUNT],
          W: P + N,
          W2: posW2 + negW2,
          P,
          posW2,
          negW2,
          hist,
          ppW2: state[o + COUNTS.PP_W2]
        },
        bins,
        k,
        options[i],
        g
      );
    })
  );
}
