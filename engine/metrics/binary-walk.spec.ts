import { groupWidth, prepareKernel, walkKernel, WALK } from './binary-walk';

/** Three rows by descending score as records: weight at byte 0, one code byte at 8, the label byte at 9. */
function records(rows: { w: number; code: number; y: number }[]) {
  const stride = 16;
  const buffer = new ArrayBuffer(rows.length * stride);
  const words = new Float64Array(buffer);
  const bytes = new Uint8Array(buffer);
  rows.forEach(({ w, code, y }, i) => {
    words[i * 2] = w;
    bytes[i * stride + 8] = code;
    bytes[i * stride + 9] = y;
  });
  return { record: new Uint32Array(buffer), stride, columns: 1, codeBytes: 1 };
}

describe('walk kernel state layout (the kernel uses WALK slot numbers literally)', () => {
  it('fills every WALK slot and the histogram where WALK says', () => {
    // Scores 0.9 (pos, w 2), 0.9 (neg, w 1), 0.4 (pos, w 1), all in group 1 of two.
    const score = Float64Array.from([0.9, 0.9, 0.4]);
    const rows = {
      n: 3,
      score,
      ...records([
        { w: 2, code: 1, y: 1 },
        { w: 1, code: 1, y: 0 },
        { w: 1, code: 1, y: 1 }
      ])
    };
    const thresholds = Float64Array.from([0, 0.5, 1]);
    const bins = thresholds.length + 1;
    const loss = new Float64Array(3);
    const bin = new Uint16Array(3);
    prepareKernel({ ...rows, from: 0, to: 3, thresholds, loss, bin });
    expect(Array.from(bin)).toEqual([2, 2, 1]);
    expect(loss[1]).toBeCloseTo(-Math.log(0.1), 12);
    const width = groupWidth(bins);
    const state = new Float64Array(2 * width);
    walkKernel({ ...rows, bins, k: 1, loss, bin, groupings: [{ column: 0, groups: 2, state }] });
    const g = state.subarray(width, 2 * width);
    expect(state.subarray(0, width).every(x => x === 0)).toBe(true);
    expect(g[WALK.OPEN]).toBe(0);
    expect(g[WALK.COUNT]).toBe(3);
    expect(g[WALK.WP_POS]).toBeCloseTo(2 * 0.9 + 0.4, 12);
    expect(g[WALK.WP_NEG]).toBeCloseTo(0.9, 12);
    expect(g[WALK.WP2]).toBeCloseTo(2 * 0.81 + 0.81 + 0.16, 12);
    expect(g[WALK.WL]).toBeCloseTo(-2 * Math.log(0.9) - Math.log(0.1) - Math.log(0.4), 12);
    expect(g[WALK.TP_ABOVE]).toBe(3);
    expect(g[WALK.FP_ABOVE]).toBe(1);
    // ROC: the negative ties with weight-2 positive (half) → area = 1 · (0 + 2/2) = 1 of P·N = 3.
    expect(g[WALK.AREA]).toBe(1);
    // AP: block 0.9 precision 2/3 with tb 2, block 0.4 precision 3/4 with tb 1.
    expect(g[WALK.AP]).toBeCloseTo((2 * 2) / 3 + 3 / 4, 12);
    expect(g[WALK.A1]).toBe(2 * 0.5 + 1 * 1); // a = fpAbove + fb/2 per positive block
    expect(g[WALK.B1]).toBe(1 * 1); // c = tpAbove + tb/2 for the negative block
    expect(g[WALK.HIST + 2 * 2 + 1]).toBe(2); // bin 2, positives: Σw
    expect(g[WALK.HIST + 2 * 2 + 0]).toBe(1);
    expect(g[WALK.HIST + 2 * 1 + 1]).toBe(1);
    expect(g[WALK.W2_POS]).toBe(4 + 1);
    expect(g[WALK.W2_NEG]).toBe(1);
    expect(g[WALK.PP_W2]).toBe(4 + 1); // threshold 0.5 (k = 1): the two rows at 0.9
  });
});
