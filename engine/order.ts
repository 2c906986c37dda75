/**
 * Sorting once for every slice. Scores are ordered by an LSD radix sort on their IEEE-754 bits
 * (sort-kernels.ts), which beats a comparison sort plus rank lookup by an order of magnitude at 10 M rows. The
 * binary metrics walk the sorted rows once per grouping (metrics/binary-walk.ts); the per-grouping segments
 * below serve the paired (baseline) comparison, which needs each row's DeLong placement.
 */

import { KernelJob, runAllHere } from './kernels';
import { sortKeys } from './sort-kernels';

export interface IScoreOrder {
  /** Row indices by descending score. */
  order: Uint32Array;
  /** Dense rank of the score at each position of `order` (equal scores, equal rank). */
  rank: Int32Array;
}

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

/** [from, to) ranges splitting n positions into `parts`. */
export function ranges(n: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, p) => [
    Math.floor((n * p) / parts),
    Math.floor((n * (p + 1)) / parts)
  ]);
}

/** Buckets for n rows: about 8 Ki rows each (in cache for the bucket sort), a power of two up to 4096. */
function bucketCount(n: number): number {
  let B = 1;
  while (B < 4096 && B * 8192 < n) {
    B *= 2;
  }
  return B;
}

/**
 * Scores by descending value, each row's payload (`width` 32-bit words: its index, or a whole record) moved
 * along (sort-kernels.ts): buckets by value, then each bucket sorted in cache; with threads, each phase split
 * between them (input ranges for the scatter, bucket ranges of equal rows for the sort). The order is one stable
 * sort's whatever the split. Moving records with the keys keeps the passes sequential: fetching them afterwards
 * by row index would cost a cache miss per row. Outputs live in shared memory; `payload` is used as scratch.
 */
export function* sortInJobs(
  scores: Float64Array,
  payload: Uint32Array,
  width: number,
  threads: number
): Generator<KernelJob[], ISortedScores, void> {
  const n = scores.length;
  const B = bucketCount(n);
  const parts = ranges(n, threads);
  const hi = new Uint32Array(sharedBuffer(4 * n));
  const lo = new Uint32Array(sharedBuffer(4 * n));
  const bucket = new Uint16Array(sharedBuffer(2 * n));
  const counts = new Int32Array(parts.length * B);
  sortKeys(scores, hi, lo, bucket, B, [0, ...parts.map(([, to]) => to)], counts);
  // Bucket starts, and where each input part's rows of each bucket begin (earlier parts first: stable).
  const starts = new Int32Array(sharedBuffer(4 * (B + 1)));
  const next = parts.map(() => new Int32Array(sharedBuffer(4 * B)));
  let at = 0;
  for (let b = 0; b < B; b++) {
    starts[b] = at;
    parts.forEach((_, p) => {
      next[p][b] = at;
      at += counts[p * B + b];
    });
  }
  starts[B] = at;
  const sorted = {
    hi: new Uint32Array(sharedBuffer(4 * n)),
    lo: new Uint32Array(sharedBuffer(4 * n)),
    payload: new Uint32Array(sharedBuffer(4 * n * width))
  };
  const input = { hi, lo, payload };
  yield parts.map(([from, to], p) => ({
    kernel: 'scatter',
    args: {
      from,
      to,
      width,
      bucket,
      next: next[p],
      ...input,
      hi2: sorted.hi,
      lo2: sorted.lo,
      payload2: sorted.payload
    }
  }));
  // Bucket ranges of about equal rows, one per thread; the input arrays are now the sort's scratch.
  const score = new Float64Array(sharedBuffer(8 * n));
  const cuts = [0];
  for (let b = 0, p = 1; b < B && p < threads; b++) {
    if (starts[b + 1] >= (n * p) / threads) {
      cuts.push(b + 1);
      p++;
    }
  }
  cuts.push(B);
  yield cuts.slice(1).flatMap((last, i) =>
    last > cuts[i]
      ? [
          {
            kernel: 'sortRanges' as const,
            args: {
              starts,
              first: cuts[i],
              last,
              width,
              ...sorted,
              hi2: hi,
              lo2: lo,
              payload2: payload,
              score
            }
          }
        ]
      : []
  );
  return { score, payload: sorted.payload };
}

/** The same sort on this thread. */
export function sortDescending(
  scores: Float64Array,
  payload: Uint32Array,
  width: number
): ISortedScores {
  return runAllHere(sortInJobs(scores, payload, width, 1));
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
