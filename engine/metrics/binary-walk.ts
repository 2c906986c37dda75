/**
 * The two kernels of the binary metrics, each a loop over typed arrays in shared memory, written so a worker
 * thread can run them from their source text (engine/threads.ts): they reference nothing outside their own
 * body — no imports, no module constants, no helpers — and take one argument of typed arrays and numbers.
 *
 * The rows come sorted by descending score as row-major records (order.ts moves them with the keys).
 * `prepareKernel` computes a range of positions' log loss and threshold bin. `walkKernel` walks the sorted rows once per grouping with per-group state: the sums behind the count-based
 * metrics, the per-threshold histogram, and the ROC/PR/DeLong sums over blocks of equal score. Each grouping is
 * walked whole by one thread, in order, so results do not depend on how many threads share the work.
 */

/** Slots of one group's walk state (a Float64Array of `groupWidth(bins)` per group). `walkKernel` uses the same
 * numbers literally (it cannot import them); the test in binary-walk.spec.ts holds the two together. */
export const WALK = {
  COUNT: 0,
  /** Σ w·p over negatives and over positives (slot 1 + y), Σ w·p², Σ w·loss, Σ w·loss². */
  WP_NEG: 1,
  WP_POS: 2,
  WP2: 3,
  WL: 4,
  WL2: 5,
  /** Weight of positives and negatives above the current block, and in it (TB is slot 8 + (1 − y)). */
  TP_ABOVE: 6,
  FP_ABOVE: 7,
  TB: 8,
  FB: 9,
  /** 1 while the group has rows in the current run of equal scores (its block is open). */
  OPEN: 10,
  /** Σ fb·(tpAbove + tb/2): the ROC area times P·N. */
  AREA: 11,
  /** Σ tb·precision at each block with positives: average precision times P. */
  AP: 12,
  /** Σ tb·a and Σ tb·a² with a = fpAbove + fb/2 (DeLong placements of positives, before dividing by N). */
  A1: 13,
  A2: 14,
  /** Σ fb·c and Σ fb·c² with c = tpAbove + tb/2 (placements of negatives, before dividing by P). */
  B1: 15,
  B2: 16,
  /** Σw² of negatives, of positives, and of the rows predicted positive at the chosen threshold. */
  W2_NEG: 17,
  W2_POS: 18,
  PP_W2: 19,
  /** Then the histogram: Σw at [HIST + 2·bin + y]. */
  HIST: 20
} as const;

export const groupWidth = (bins: number): number => WALK.HIST + 2 * bins;

/** Rows in score order as row-major records: weight (f64) at byte 0, then the codes, then the label byte. */
export interface ISortedRecords {
  n: number;
  /** Sorted scores (descending). */
  score: Float64Array;
  record: Uint32Array;
  /** Bytes per record (a multiple of 8). */
  stride: number;
  /** Code columns per record, of `codeBytes` each. */
  columns: number;
  codeBytes: number;
}

export interface IPrepareArgs extends ISortedRecords {
  from: number;
  to: number;
  thresholds: Float64Array;
  /** Outputs, by position: log loss, and how many grid thresholds are <= the score. */
  loss: Float64Array;
  bin: Uint16Array;
}

export function prepareKernel(a: IPrepareArgs): void {
  const EPS = 2.220446049250313e-16; // float64 machine epsilon: log loss clips p to [eps, 1 − eps]
  const { from, to, score, thresholds, stride, columns, codeBytes, loss, bin } = a;
  const bytes = new Uint8Array(a.record.buffer, a.record.byteOffset, a.record.byteLength);
  const labelAt = 8 + columns * codeBytes;
  const T = thresholds.length;
  // The bin only moves down along the range (scores fall): one binary search, then steps.
  let b = 0;
  if (from < to) {
    let lo = 0;
    let hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (thresholds[mid] <= score[from]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    b = lo;
  }
  for (let i = from; i < to; i++) {
    const s = score[i];
    while (b > 0 && thresholds[b - 1] > s) {
      b--;
    }
    bin[i] = b;
    const p = s < EPS ? EPS : s > 1 - EPS ? 1 - EPS : s;
    loss[i] = bytes[i * stride + labelAt] === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
}

export interface IWalkArgs extends ISortedRecords {
  bins: number;
  /** Index of the chosen threshold in the grid: predicted positive ⇔ bin > k. */
  k: number;
  loss: Float64Array;
  bin: Uint16Array;
  /** Per grouping: its code column (-1: the overall grouping, one group) and its state (groups × width). */
  groupings: { column: number; groups: number; state: Float64Array }[];
}

export function walkKernel(a: IWalkArgs): void {
  const { n, bins, k, score, loss, bin, stride, columns, codeBytes } = a;
  const { buffer, byteOffset, byteLength } = a.record;
  const weights = new Float64Array(buffer, byteOffset, byteLength / 8);
  const bytes = new Uint8Array(buffer, byteOffset, byteLength);
  const codes = codeBytes === 1 ? bytes : new Uint16Array(buffer, byteOffset, byteLength / 2);
  const wordsPerRecord = stride / 8;
  const codesPerRecord = stride / codeBytes;
  const codeStart = 8 / codeBytes;
  const labelAt = 8 + columns * codeBytes;
  const width = 20 + 2 * bins; // WALK.HIST + 2 · bins
  /** Closes group state `o`'s open block of equal score (slot numbers as in WALK). */
  const closeBlock = (st: Float64Array, o: number) => {
    const tb = st[o + 8];
    const fb = st[o + 9];
    if (tb > 0 || fb > 0) {
      const tpAbove = st[o + 6];
      const fpAbove = st[o + 7];
      st[o + 11] += fb * (tpAbove + tb / 2);
      const a1 = fpAbove + fb / 2;
      st[o + 13] += tb * a1;
      st[o + 14] += tb * a1 * a1;
      const c1 = tpAbove + tb / 2;
      st[o + 15] += fb * c1;
      st[o + 16] += fb * c1 * c1;
      const tp = tpAbove + tb;
      const fp = fpAbove + fb;
      st[o + 6] = tp;
      st[o + 7] = fp;
      if (tb > 0) {
        st[o + 12] += (tb * tp) / (tp + fp);
      }
      st[o + 8] = 0;
      st[o + 9] = 0;
    }
  };
  for (const { column, groups, state: st } of a.groupings) {
    const touched = new Int32Array(groups); // state offsets of the groups in the current run
    let i = 0;
    while (i < n) {
      // A run of rows with equal score: each group's rows in it are one block (ties, as sklearn counts them).
      const s = score[i];
      let end = i + 1;
      while (end < n && score[end] === s) {
        end++;
      }
      const single = end === i + 1;
      let open = 0;
      for (let r = i; r < end; r++) {
        const o = column < 0 ? 0 : codes[r * codesPerRecord + codeStart + column] * width;
        const w = weights[r * wordsPerRecord];
        const y = bytes[r * stride + labelAt];
        const l = loss[r];
        const wp = w * s;
        st[o] += 1;
        st[o + 1 + y] += wp;
        st[o + 3] += wp * s;
        st[o + 4] += w * l;
        st[o + 5] += w * l * l;
        const b = bin[r];
        const w2 = w * w;
        st[o + 17 + y] += w2;
        if (b > k) {
          st[o + 19] += w2;
        }
        st[o + 20 + 2 * b + y] += w;
        if (single) {
          // A block of one row: closeBlock's arithmetic with the other class's weight 0 (adding 0 is exact).
          if (w > 0) {
            if (y === 1) {
              const fpAbove = st[o + 7];
              st[o + 13] += w * fpAbove;
              st[o + 14] += w * fpAbove * fpAbove;
              const tp = st[o + 6] + w;
              st[o + 6] = tp;
              st[o + 12] += (w * tp) / (tp + fpAbove);
            } else {
              const tpAbove = st[o + 6];
              st[o + 11] += w * tpAbove;
              st[o + 15] += w * tpAbove;
              st[o + 16] += w * tpAbove * tpAbove;
              st[o + 7] += w;
            }
          }
        } else {
          if (st[o + 10] === 0) {
            st[o + 10] = 1;
            touched[open++] = o;
          }
          st[o + 8 + (1 - y)] += w;
        }
      }
      for (let t = 0; t < open; t++) {
        closeBlock(st, touched[t]);
        st[touched[t] + 10] = 0;
      }
      i = end;
    }
  }
}
