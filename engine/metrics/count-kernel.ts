/**
 * The kernel of the count-based binary metrics (binary-counts.ts). Written so a worker thread can run it from
 * its source text (engine/threads.ts): it references nothing outside its own body, and this file imports nothing,
 * so engine/kernels.ts can list it without an import cycle.
 */

/** Slots of one group's count state; `countKernel` uses the same numbers literally (it cannot import them). */
export const COUNTS = { COUNT: 0, W2_NEG: 1, W2_POS: 2, PP_W2: 3, HIST: 4 } as const;
export const countWidth = (bins: number): number => COUNTS.HIST + 2 * bins;

export interface ICountArgs {
  n: number;
  bins: number;
  /** Index of the chosen threshold in the grid: predicted positive ⇔ bin > k. */
  k: number;
  /** Per row: 2 · (how many grid thresholds are <= its score) + label. */
  binLabel: Uint16Array;
  weight: Float64Array | null;
  /** Per grouping: its codes (null: the overall grouping, one group) and its state (groups × width). */
  groupings: { codes: Int32Array | null; state: Float64Array }[];
}

/**
 * Self-contained (engine/threads.ts runs it from its source text): no imports, no module constants. One pass over
 * the rows for all of the job's groupings: a row's weight and bin are read once, and each grouping's state gets
 * the row's additions in row order (so every sum is added in the same order whichever job holds the grouping).
 */
export function countKernel(a: ICountArgs): void {
  const { n, k, binLabel, weight } = a;
  const width = 4 + 2 * a.bins; // COUNTS.HIST + 2 · bins
  const m = a.groupings.length;
  const states = a.groupings.map(g => g.state);
  const codes = a.groupings.map(g => g.codes ?? new Int32Array(0));
  const single = a.groupings.map(g => g.codes === null);
  for (let r = 0; r < n; r++) {
    const w = weight === null ? 1 : weight[r];
    const h = binLabel[r];
    const w2 = w * w;
    const predicted = h >> 1 > k;
    for (let j = 0; j < m; j++) {
      const st = states[j];
      const o = single[j] ? 0 : codes[j][r] * width;
      st[o] += 1;
      st[o + 1 + (h & 1)] += w2;
      if (predicted) {
        st[o + 3] += w2;
      }
      st[o + 4 + h] += w;
    }
  }
}
