/**
 * The score sort as kernels threads can share (self-contained like metrics/binary-walk.ts: no imports, no module
 * constants). Keys are 64-bit (hi, lo) words that order the other way round from the scores (positive floats:
 * their bits with the sign set, inverted; negatives as they are; -0 as 0), so ascending keys are descending
 * scores. Rows first go to buckets by value (`sortKeys` counts them: floor(score · B), highest first — a
 * monotone cut, so buckets are already in order), `scatterKernel` moves each input range's rows (key and
 * payload: the row index or a whole record) into their buckets, stably, then `sortRangesKernel` sorts each
 * bucket by its full key in cache — a stable LSD radix sort (11-bit digits, one counting pass for all, passes
 * where every key of the bucket has the same digit skipped, which within a bucket are most of the top ones) —
 * and decodes the scores. Only the scatter touches memory at random, once; the result is the order of one stable
 * sort whatever the number of ranges and jobs.
 */

/**
 * Sortable keys of the scores (into `hi` and `lo`), each row's bucket (into `bucket`: B − 1 − floor(score · B),
 * clamped), and how many rows of each input part fall in each bucket (`counts[part · B + bucket]`, parts cut at
 * `cuts`). Runs on the calling thread, which holds the scores.
 */
export function sortKeys(
  scores: Float64Array,
  hi: Uint32Array,
  lo: Uint32Array,
  bucket: Uint16Array,
  B: number,
  cuts: number[],
  counts: Int32Array
): void {
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let part = 0; part + 1 < cuts.length; part++) {
    const base = part * B;
    for (let i = cuts[part]; i < cuts[part + 1]; i++) {
      const s = scores[i] === 0 ? 0 : scores[i];
      bits[0] = s;
      const h = words[1];
      const l = words[0];
      const negative = h >>> 31 === 1;
      hi[i] = negative ? h : ~(h | 0x80000000) >>> 0;
      lo[i] = negative ? l : ~l >>> 0;
      const cell = Math.floor(s * B);
      const b = B - 1 - (cell < 0 ? 0 : cell > B - 1 ? B - 1 : cell);
      bucket[i] = b;
      counts[base + b]++;
    }
  }
}

export interface IScatterArgs {
  from: number;
  to: number;
  width: number;
  bucket: Uint16Array;
  /** Where this range's next row of each bucket goes (advanced as rows are placed). */
  next: Int32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  payload: Uint32Array;
  hi2: Uint32Array;
  lo2: Uint32Array;
  payload2: Uint32Array;
}

export function scatterKernel(a: IScatterArgs): void {
  const { from, to, width, bucket, next, hi, lo, payload, hi2, lo2, payload2 } = a;
  for (let i = from; i < to; i++) {
    const p = next[bucket[i]]++;
    hi2[p] = hi[i];
    lo2[p] = lo[i];
    if (width === 1) {
      payload2[p] = payload[i];
    } else if (width === 4) {
      const s = i * 4;
      const t = p * 4;
      payload2[t] = payload[s];
      payload2[t + 1] = payload[s + 1];
      payload2[t + 2] = payload[s + 2];
      payload2[t + 3] = payload[s + 3];
    } else {
      for (let k = 0; k < width; k++) {
        payload2[p * width + k] = payload[i * width + k];
      }
    }
  }
}

export interface ISortRangesArgs {
  /** Ranges [starts[r], starts[r + 1]) for r in [first, last): each is sorted on its own. */
  starts: Int32Array;
  first: number;
  last: number;
  width: number;
  hi: Uint32Array;
  lo: Uint32Array;
  payload: Uint32Array;
  /** Scratch of the same sizes; each range ends up back in hi, lo and payload. */
  hi2: Uint32Array;
  lo2: Uint32Array;
  payload2: Uint32Array;
  /** Output: the decoded scores, by position. */
  score: Float64Array;
}

export function sortRangesKernel(a: ISortRangesArgs): void {
  const BITS = 11;
  const RADIX = 2048;
  const MASK = 2047;
  const { width, starts } = a;
  const counts = new Uint32Array(RADIX * 6);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let r = a.first; r < a.last; r++) {
    const from = starts[r];
    const to = starts[r + 1];
    const n = to - from;
    counts.fill(0);
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
    for (let pass = 0; pass < 6 && n > 1; pass++) {
      const shift = (pass % 3) * BITS;
      const base = pass * RADIX;
      const keys = pass >= 3 ? hi : lo;
      if (counts[base + ((keys[from] >>> shift) & MASK)] === n) {
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
      // An odd number of passes ran: the range is in the scratch arrays.
      a.hi.set(hi.subarray(from, to), from);
      a.lo.set(lo.subarray(from, to), from);
      a.payload.set(data.subarray(from * width, to * width), from * width);
    }
    const { score } = a;
    for (let i = from; i < to; i++) {
      const kh = a.hi[i];
      const kl = a.lo[i];
      const negative = kh >>> 31 === 1;
      words[1] = negative ? kh : ~kh & 0x7fffffff;
      words[0] = negative ? kl : ~kl >>> 0;
      score[i] = bits[0];
    }
  }
}
