/**
 * The score sort as kernels threads can share (self-contained like metrics/binary-walk.ts: no imports, no module
 * constants). Keys are 64-bit (hi, lo) words that order the other way round from the scores (positive floats:
 * their bits with the sign set, inverted; negatives as they are; -0 as 0), so ascending keys are descending
 * scores. `sortRunKernel` sorts one run of rows — a stable LSD radix sort (six 11-bit digits, one counting pass
 * for all six, passes where every key has the same digit skipped) that moves each row's payload (its index or
 * a whole record) with its key, so every pass is sequential. `mergeKernel` merges up to two sorted runs into a
 * slice of the output (the slice's start in each run found by a binary search on the merge path), decoding the
 * scores from the keys. Equal keys keep row order in both, so the result is the same whatever the number of
 * runs and slices: the order of a stable sort.
 */

/** Sortable keys of the scores (written into `hi` and `lo`): run before the sort kernels. */
export function sortKeys(scores: Float64Array, hi: Uint32Array, lo: Uint32Array): void {
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < scores.length; i++) {
    bits[0] = scores[i] === 0 ? 0 : scores[i];
    const h = words[1];
    const l = words[0];
    const negative = h >>> 31 === 1;
    hi[i] = negative ? h : ~(h | 0x80000000) >>> 0;
    lo[i] = negative ? l : ~l >>> 0;
  }
}

export interface ISortRunArgs {
  from: number;
  to: number;
  width: number;
  hi: Uint32Array;
  lo: Uint32Array;
  payload: Uint32Array;
  /** Scratch of the same sizes; the run ends up back in hi, lo and payload. */
  hi2: Uint32Array;
  lo2: Uint32Array;
  payload2: Uint32Array;
}

export function sortRunKernel(a: ISortRunArgs): void {
  const BITS = 11;
  const RADIX = 2048;
  const MASK = 2047;
  const { from, to, width } = a;
  const n = to - from;
  const counts = new Uint32Array(RADIX * 6);
  {
    const { hi, lo } = a;
    for (let i = from; i < to; i++) {
      const kh = hi[i];
      const kl = lo[i];
      counts[kl & MASK]++;
      counts[RADIX + ((kl >>> BITS) & MASK)]++;
      counts[2 * RADIX + ((kl >>> 22) & MASK)]++;
      counts[3 * RADIX + (kh & MASK)]++;
      counts[4 * RADIX + ((kh >>> BITS) & MASK)]++;
      counts[5 * RADIX + ((kh >>> 22) & MASK)]++;
    }
  }
  let [hi, lo, data] = [a.hi, a.lo, a.payload];
  let [hi2, lo2, data2] = [a.hi2, a.lo2, a.payload2];
  for (let pass = 0; pass < 6; pass++) {
    const shift = (pass % 3) * BITS;
    const base = pass * RADIX;
    const keys = pass >= 3 ? hi : lo;
    if (n === 0 || counts[base + ((keys[from] >>> shift) & MASK)] === n) {
      continue; // every key has this digit: the pass would not move anything
    }
    let sum = from;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = from; i < to; i++) {
      const p = counts[base + ((keys[i] >>> shift) & MASK)]++;
      hi2[p] = hi[i];
      lo2[p] = lo[i];
      if (width === 1) {
        data2[p] = data[i];
      } else if (width === 4) {
        const s = i * 4;
        const t = p * 4;
        data2[t] = data[s];
        data2[t + 1] = data[s + 1];
        data2[t + 2] = data[s + 2];
        data2[t + 3] = data[s + 3];
      } else {
        for (let k = 0; k < width; k++) {
          data2[p * width + k] = data[i * width + k];
        }
      }
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [data, data2] = [data2, data];
  }
  if (hi !== a.hi) {
    // An odd number of passes ran: the run is in the scratch arrays.
    a.hi.set(hi.subarray(from, to), from);
    a.lo.set(lo.subarray(from, to), from);
    a.payload.set(data.subarray(from * width, to * width), from * width);
  }
}

export interface IMergeArgs {
  /** Sorted runs [from, to) of hi, lo, payload: one or two. */
  runs: [number, number][];
  /** The slice of the merged output this job writes. */
  outFrom: number;
  outTo: number;
  width: number;
  hi: Uint32Array;
  lo: Uint32Array;
  payload: Uint32Array;
  /** Outputs: scores (descending) and payloads, by merged position. */
  score: Float64Array;
  out: Uint32Array;
}

export function mergeKernel(a: IMergeArgs): void {
  const { hi, lo, payload, width, score, out, outFrom, outTo } = a;
  const [a0, a1] = a.runs[0];
  const [b0, b1] = a.runs.length > 1 ? a.runs[1] : [a1, a1];
  const nA = a1 - a0;
  const nB = b1 - b0;
  // Key of run A's row x before or equal to run B's row y (ties: A first, it holds the lower rows).
  const aFirst = (x: number, y: number) => hi[x] < hi[y] || (hi[x] === hi[y] && lo[x] <= lo[y]);
  /** How many of the first k merged rows come from run A. */
  const split = (k: number) => {
    let low = Math.max(0, k - nB);
    let high = Math.min(k, nA);
    while (low < high) {
      const mid = (low + high) >> 1;
      if (aFirst(a0 + mid, b0 + k - mid - 1)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  };
  const first = split(outFrom);
  let i = a0 + first;
  let j = b0 + outFrom - first;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let k = outFrom; k < outTo; k++) {
    const x = j >= b1 || (i < a1 && aFirst(i, j)) ? i++ : j++;
    const kh = hi[x];
    const kl = lo[x];
    const negative = kh >>> 31 === 1;
    words[1] = negative ? kh : ~kh & 0x7fffffff;
    words[0] = negative ? kl : ~kl >>> 0;
    score[k] = bits[0];
    if (width === 4) {
      const s = x * 4;
      const t = k * 4;
      out[t] = payload[s];
      out[t + 1] = payload[s + 1];
      out[t + 2] = payload[s + 2];
      out[t + 3] = payload[s + 3];
    } else {
      for (let w = 0; w < width; w++) {
        out[k * width + w] = payload[x * width + w];
      }
    }
  }
}
