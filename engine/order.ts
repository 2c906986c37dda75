/**
 * Sorting once for every slice. Scores are ordered by an LSD radix sort on their IEEE-754 bits (six 11-bit
 * passes, skipping passes where every key has the same digit), which beats a comparison sort plus rank lookup
 * by an order of magnitude at 10 M rows. The binary metrics walk the sorted rows once per grouping
 * (metrics/binary-walk.ts); the per-grouping segments below serve the paired (baseline) comparison, which
 * needs each row's DeLong placement.
 */

export interface IScoreOrder {
  /** Row indices by descending score. */
  order: Uint32Array;
  /** Dense rank of the score at each position of `order` (equal scores, equal rank). */
  rank: Int32Array;
}

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
const PASSES = 6; // 66 bits ≥ 64: three digits of each 32-bit half

/** Memory the engine's kernels can share with worker threads where the platform has it. */
export function sharedBuffer(bytes: number): ArrayBuffer {
  return (
    typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
  ) as ArrayBuffer;
}

export interface ISortedScores {
  /** The scores in descending order (rows with equal scores keep their row order). */
  score: Float64Array;
  /** The payload moved with them: `width` words per row. */
  payload: Uint32Array;
}

/**
 * Scores by descending value, each row's payload (`width` 32-bit words: its index, or a whole record) moved
 * along: a stable LSD radix sort of 64-bit keys that order the other way round (positive floats: their bits
 * with the sign set, inverted; negatives: as they are; -0 sorts with 0). One read pass counts all six digits'
 * histograms, and passes where every key has the same digit are skipped (scores in [0, 1] share their top bits). Moving the records with the
 * keys keeps every pass sequential; fetching them afterwards by row index would cost a cache miss per row. The
 * outputs live in shared memory so worker threads can read them. `payload` is used as scratch space.
 */
export function sortDescending(
  scores: Float64Array,
  payload: Uint32Array,
  width: number
): ISortedScores {
  const n = scores.length;
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  const counts = new Uint32Array(RADIX * PASSES);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < n; i++) {
    bits[0] = scores[i] === 0 ? 0 : scores[i];
    const h = words[1];
    const l = words[0];
    // Inverted sortable keys: ascending key order is descending score order.
    const negative = h >>> 31 === 1;
    const kh = negative ? h : ~(h | 0x80000000) >>> 0;
    const kl = negative ? l : ~l >>> 0;
    hi[i] = kh;
    lo[i] = kl;
    counts[kl & MASK]++;
    counts[RADIX + ((kl >>> BITS) & MASK)]++;
    counts[2 * RADIX + ((kl >>> (2 * BITS)) & MASK)]++;
    counts[3 * RADIX + (kh & MASK)]++;
    counts[4 * RADIX + ((kh >>> BITS) & MASK)]++;
    counts[5 * RADIX + ((kh >>> (2 * BITS)) & MASK)]++;
  }
  let data: Uint32Array = payload;
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let data2: Uint32Array = new Uint32Array(sharedBuffer(4 * n * width));
  for (let pass = 0; pass < PASSES; pass++) {
    const shift = (pass % 3) * BITS;
    const base = pass * RADIX;
    const keys = pass >= 3 ? hi : lo;
    if (n === 0 || counts[base + ((keys[0] >>> shift) & MASK)] === n) {
      continue; // every key has this digit: the pass would not move anything
    }
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = counts[base + ((keys[i] >>> shift) & MASK)]++;
      lo2[p] = lo[i];
      hi2[p] = hi[i];
      if (width === 1) {
        data2[p] = data[i];
      } else if (width === 4) {
        const from = i * 4;
        const to = p * 4;
        data2[to] = data[from];
        data2[to + 1] = data[from + 1];
        data2[to + 2] = data[from + 2];
        data2[to + 3] = data[from + 3];
      } else {
        for (let k = 0; k < width; k++) {
          data2[p * width + k] = data[i * width + k];
        }
      }
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [data, data2] = [data2, data];
  }
  lo2 = hi2 = data2 = new Uint32Array(0);
  // The scores, decoded back from the keys: a sequential pass, no gather.
  const score = new Float64Array(sharedBuffer(8 * n));
  for (let i = 0; i < n; i++) {
    const kh = hi[i];
    const kl = lo[i];
    const negative = kh >>> 31 === 1;
    words[1] = negative ? kh : ~kh & 0x7fffffff;
    words[0] = negative ? kl : ~kl >>> 0;
    score[i] = bits[0];
  }
  lo = hi = new Uint32Array(0);
  let sorted = data;
  if (sorted === payload) {
    sorted = new Uint32Array(sharedBuffer(4 * n * width)); // no pass ran: the caller's array is the result
    sorted.set(payload);
  }
  return { score, payload: sorted };
}

export function descendingOrder(scores: Float64Array): IScoreOrder {
  const n = scores.length;
  const rows = new Uint32Array(sharedBuffer(4 * n));
  for (let i = 0; i < n; i++) {
    rows[i] = i;
  }
  const { score, payload: order } = sortDescending(scores, rows, 1);
  // Dense ranks counted from the lowest score (equal scores, equal rank).
  const rank = new Int32Array(n);
  let current = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (i === n - 1 || score[i] !== score[i + 1]) {
      current++;
    }
    rank[i] = current;
  }
  return { order, rank };
}

/** A grouping's rows split by group, each group in descending score order, as contiguous arrays. */
export interface ISegments {
  /** Group g occupies positions start[g] .. start[g + 1]. */
  start: Int32Array;
  rank: Int32Array;
  label: Uint8Array;
  weight: Float64Array | null;
  /** Row index of each position (only when asked for: paired comparisons write per-row values). */
  row?: Uint32Array;
}

/** Label and weight gathered once into score order, so each grouping reads them sequentially. */
export interface ISortedRows extends IScoreOrder {
  label: Uint8Array;
  weight: Float64Array | null;
}

export function sortRows(
  scores: Float64Array,
  label: Float64Array,
  weight: Float64Array | null
): ISortedRows {
  const { order, rank } = descendingOrder(scores);
  const sortedLabel = new Uint8Array(order.length);
  const sortedWeight = weight ? new Float64Array(order.length) : null;
  for (let i = 0; i < order.length; i++) {
    sortedLabel[i] = label[order[i]];
    if (sortedWeight) {
      sortedWeight[i] = weight![order[i]];
    }
  }
  return { order, rank, label: sortedLabel, weight: sortedWeight };
}

export function segmentByGroup(
  sorted: ISortedRows,
  codes: Int32Array,
  groups: number,
  withRows = false
): ISegments {
  const { order, rank, label, weight } = sorted;
  const n = order.length;
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) {
    start[codes[i] + 1]++;
  }
  for (let g = 0; g < groups; g++) {
    start[g + 1] += start[g];
  }
  if (groups === 1) {
    return { start, rank, label, weight, row: withRows ? order : undefined }; // already one segment
  }
  // Random reads of the codes are this pass's cost; a narrower copy keeps more of them in cache.
  const narrow =
    groups <= 256 ? Uint8Array.from(codes) : groups <= 65536 ? Uint16Array.from(codes) : codes;
  const next = start.slice(0, groups);
  const segRank = new Int32Array(n);
  const segLabel = new Uint8Array(n);
  const segWeight = weight ? new Float64Array(n) : null;
  const segRow = withRows ? new Uint32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const p = next[narrow[order[i]]]++; // the one random read per row and grouping
    segRank[p] = rank[i];
    segLabel[p] = label[i];
    if (segWeight) {
      segWeight[p] = weight![i];
    }
    if (segRow) {
      segRow[p] = order[i];
    }
  }
  return {
    start,
    rank: segRank,
    label: segLabel,
    weight: segWeight,
    row: segRow
  };
}
