/**
 * Binary metrics for every grouping at once (no baseline): pack each row's weight, label and slice codes into a
 * record, sort the records by descending score (order.ts moves them with the keys), compute each position's log
 * loss and threshold bin, then walk the sorted rows once per grouping (binary-walk.ts). A generator: it yields the kernel jobs of each phase so the caller runs them here or on
 * worker threads (engine/threads.ts) — every array a job touches is in shared memory — and the result is the
 * same either way: positions are prepared independently and each grouping is walked whole, in order, by one
 * thread.
 */
import { KernelJob } from '../kernels';
import { ranges, sharedBuffer, sortInJobs } from '../order';
import { IGrouping } from '../slicing';
import { IBinaryData } from './binary-inputs';
import { binaryGroupResult, classTotals } from './binary';
import { groupWidth, WALK } from './binary-walk';
import { IGroupOptions, IGroupResult } from './shared';

const weightedVariance = (sum: number, sumSq: number, total: number, nEff: number) =>
  nEff > 1 ? Math.max(0, sumSq / total - (sum / total) ** 2) * (nEff / (nEff - 1)) : NaN;

/** Row-major records (weight, codes, label) as 32-bit words, so the sort can move them with the keys. */
function packRecords(data: IBinaryData, coded: IGrouping[], codeBytes: number) {
  const n = data.label.length;
  const columns = coded.length;
  const stride = Math.ceil((8 + columns * codeBytes + 1) / 8) * 8;
  const buffer = sharedBuffer(n * stride);
  const words = new Float64Array(buffer);
  const bytes = new Uint8Array(buffer);
  const wordsPerRecord = stride / 8;
  const labelAt = 8 + columns * codeBytes;
  const { label, weight } = data;
  for (let r = 0; r < n; r++) {
    words[r * wordsPerRecord] = weight === null ? 1 : weight[r];
    bytes[r * stride + labelAt] = label[r];
  }
  const codes = codeBytes === 1 ? bytes : new Uint16Array(buffer);
  const perRecord = stride / codeBytes;
  coded.forEach((grouping, c) => {
    const source = grouping.codes;
    const at = 8 / codeBytes + c;
    for (let r = 0; r < n; r++) {
      codes[r * perRecord + at] = source[r];
    }
  });
  return { record: new Uint32Array(buffer), stride, columns };
}

/** Per-group statistics from a walked state. P and N are summed from the top bin down, as confusionOf does. */
function groupResults(
  state: Float64Array,
  groups: number,
  bins: number,
  k: number,
  options: IGroupOptions
): IGroupResult[] {
  const width = groupWidth(bins);
  const results: IGroupResult[] = [];
  for (let g = 0; g < groups; g++) {
    const o = g * width;
    const hist = state.subarray(o + WALK.HIST, o + WALK.HIST + 2 * bins);
    const { P, N } = classTotals(hist, bins);
    const posW2 = state[o + WALK.W2_POS];
    const negW2 = state[o + WALK.W2_NEG];
    const ranked = P > 0 && N > 0;
    const nPos = (P * P) / posW2;
    const nNeg = (N * N) / negW2;
    const A1 = state[o + WALK.A1];
    const s10 = P - A1 / N;
    const s10sq = P - (2 * A1) / N + state[o + WALK.A2] / (N * N);
    const s01 = state[o + WALK.B1] / P;
    const s01sq = state[o + WALK.B2] / (P * P);
    results.push(
      binaryGroupResult(
        {
          count: state[o + WALK.COUNT],
          W: P + N,
          W2: posW2 + negW2,
          P,
          posW2,
          negW2,
          WP: state[o + WALK.WP_NEG] + state[o + WALK.WP_POS],
          WP2: state[o + WALK.WP2],
          WPY: state[o + WALK.WP_POS],
          WL: state[o + WALK.WL],
          WL2: state[o + WALK.WL2],
          auc: ranked ? state[o + WALK.AREA] / (P * N) : NaN,
          ap: P > 0 ? state[o + WALK.AP] / P : NaN,
          aucVariance: ranked
            ? weightedVariance(s10, s10sq, P, nPos) / nPos +
              weightedVariance(s01, s01sq, N, nNeg) / nNeg
            : NaN,
          hist,
          ppW2: state[o + WALK.PP_W2]
        },
        bins,
        k,
        options,
        g
      )
    );
  }
  return results;
}

/**
 * The results of every grouping, in order; `options[i]` belongs to `groupings[i]`. `threads` is how many
 * threads will run each phase's jobs (1: one job per phase). Consumes the groupings' codes (they are packed
 * into records, and the Int32 arrays are released to keep memory near the columns themselves).
 */
export function* fusedBinaryGroups(
  data: IBinaryData,
  groupings: IGrouping[],
  options: IGroupOptions[],
  threads: number
): Generator<KernelJob[], IGroupResult[][], void> {
  const n = data.label.length;
  const bins = data.thresholds.length + 1;
  const coded = groupings.filter(g => g.labels.length > 1);
  const codeBytes = coded.some(g => g.labels.length > 256) ? 2 : 1;
  const { record: unsorted, stride, columns } = packRecords(data, coded, codeBytes);
  for (const grouping of coded) {
    grouping.codes = new Int32Array(0);
  }
  // The unsorted records are the sort's scratch space, held only by it: freed when the sort returns.
  const { score, payload: record } = yield* sortInJobs(
    data.candidate.score,
    unsorted,
    stride / 4,
    threads
  );
  const rows = { n, score, record, stride, columns, codeBytes };
  const loss = new Float64Array(sharedBuffer(8 * n));
  const bin = new Uint16Array(sharedBuffer(2 * n));
  const thresholds = new Float64Array(sharedBuffer(8 * data.thresholds.length));
  thresholds.set(data.thresholds);
  yield ranges(n, threads).map(([from, to]): KernelJob => ({
    kernel: 'prepare',
    args: { ...rows, from, to, thresholds, loss, bin }
  }));
  const width = groupWidth(bins);
  const walked = groupings.map(grouping => ({
    column: coded.indexOf(grouping),
    groups: grouping.labels.length,
    state: new Float64Array(sharedBuffer(8 * grouping.labels.length * width))
  }));
  // Every grouping costs one pass over the rows: deal them out evenly, keeping each whole.
  const parts = Math.min(threads, walked.length);
  yield Array.from({ length: parts }, (_, p): KernelJob => ({
    kernel: 'walk',
    args: {
      ...rows,
      bins,
      k: data.thresholdIndex,
      loss,
      bin,
      groupings: walked.filter((_, i) => i % parts === p)
    }
  }));
  return walked.map((w, i) =>
    groupResults(w.state, w.groups, bins, data.thresholdIndex, options[i])
  );
}
