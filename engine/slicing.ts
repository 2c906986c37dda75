/**
 * Slice groupings: every slice spec becomes one integer code per row (single pass, typed arrays), so each metric
 * pass is a flat loop over `codes` whatever the slice was: a category, a numeric bucket or a cross. Codes are
 * allocated in shared memory (where the platform has it) so worker threads read them in place.
 */
import { DataType, Table, Vector } from 'apache-arrow';
import { CrossPart, MISSING_VALUE, OTHER_VALUE, OVERALL, SliceSpec } from '../contract/analysis';
import { sharedBuffer } from './order';
import { AnalysisInputError, categoryCodes, columnOf, toFloat64 } from './table';

export interface IGrouping {
  feature: string;
  codes: Int32Array;
  labels: string[];
  /** [lo, hi) bounds per code, for a single bucketed feature. */
  ranges?: [number | null, number | null][];
}

export function overallGrouping(rows: number): IGrouping {
  return {
    feature: OVERALL,
    codes: new Int32Array(rows),
    labels: ['All rows']
  };
}

const formatEdge = (x: number) => String(Number(x.toPrecision(6)));

/** Quantile cut points (numpy's "lower" method: sorted[floor(q·(m−1))]), deduplicated. */
export function quantileEdges(values: Float64Array, quantiles: number): number[] {
  const sorted = values.filter(x => x === x).sort();
  if (sorted.length === 0) {
    return [];
  }
  const edges: number[] = [];
  for (let k = 1; k < quantiles; k++) {
    const edge = sorted[Math.floor((k / quantiles) * (sorted.length - 1))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) {
      edges.push(edge);
    }
  }
  return edges;
}

/** Buckets (−∞, e0), [e0, e1), …, [ek, ∞) by binary search; NaN → the last code, "(missing)". */
function bucketize(
  values: Float64Array,
  edges: number[]
): {
  codes: Int32Array;
  labels: string[];
  ranges: [number | null, number | null][];
} {
  const codes = new Int32Array(sharedBuffer(4 * values.length));
  const missing = edges.length + 1;
  let anyMissing = false;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== x) {
      codes[i] = missing;
      anyMissing = true;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    codes[i] = lo;
  }
  const labels: string[] = [];
  const ranges: [number | null, number | null][] = [];
  for (let b = 0; b <= edges.length; b++) {
    const lo = b === 0 ? null : edges[b - 1];
    const hi = b === edges.length ? null : edges[b];
    ranges.push([lo, hi]);
    labels.push(
      lo === null
        ? `< ${formatEdge(hi!)}`
        : hi === null
          ? `>= ${formatEdge(lo)}`
          : `[${formatEdge(lo)}, ${formatEdge(hi)})`
    );
  }
  if (anyMissing) {
    labels.push(MISSING_VALUE);
    ranges.push([null, null]);
  }
  return { codes, labels, ranges };
}

/** A slice column with no value at all (all null or NaN) has nothing to slice by: say which. */
function requireSomeValue(any: boolean, name: string, field: string): void {
  if (!any) {
    throw new AnalysisInputError(
      `slice feature "${name}" has no values: every row is missing or NaN`,
      field,
      name
    );
  }
}

const DENSE_RANGE = 1 << 20;

/**
 * An integer column without nulls whose values fit 32 bits, read straight into the codes array (no Float64
 * copy): the common case of pandas' int64 slice columns. Null when the column is not such a column.
 */
function int32Values(vector: Vector): Int32Array | null {
  if (!DataType.isInt(vector.type) || vector.nullCount > 0) {
    return null;
  }
  const out = new Int32Array(sharedBuffer(4 * vector.length));
  let at = 0;
  for (const data of vector.data) {
    const { offset, length } = data;
    const values = data.values as ArrayLike<number> & ArrayBufferView;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      const signed = values instanceof BigInt64Array;
      for (let i = 0; i < length; i++) {
        const lo = words[2 * (offset + i)];
        const hi = words[2 * (offset + i) + 1];
        if (hi !== lo >> 31 || (!signed && lo < 0)) {
          return null; // beyond 32 bits
        }
        out[at + i] = lo;
      }
    } else if (values instanceof Uint32Array) {
      for (let i = 0; i < length; i++) {
        const x = values[offset + i];
        if (x > 0x7fffffff) {
          return null;
        }
        out[at + i] = x;
      }
    } else {
      for (let i = 0; i < length; i++) {
        out[at + i] = values[offset + i];
      }
    }
    at += length;
  }
  return out;
}

/** Codes of a null-free small-range integer column: each value's rank, in place (three flat passes). */
function denseInt32Part(values: Int32Array, part: string): IGrouping | null {
  let min = 0x7fffffff;
  let max = -0x80000000;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    min = x < min ? x : min;
    max = x > max ? x : max;
  }
  if (values.length === 0 || max - min >= DENSE_RANGE) {
    return null;
  }
  const rank = new Int32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) {
    rank[values[i] - min] = 1;
  }
  const labels: string[] = [];
  for (let v = 0; v < rank.length; v++) {
    if (rank[v] === 1) {
      rank[v] = labels.length;
      labels.push(String(v + min));
    }
  }
  for (let i = 0; i < values.length; i++) {
    values[i] = rank[values[i] - min];
  }
  return { feature: part, codes: values, labels };
}

/**
 * Any other numeric column of small-range integers (with nulls, or floats holding integers) in three flat
 * passes: read, min/max, then each value's rank among the values that occur — already in numeric order, so no
 * Map and no remapping. Null when the column is not such a column (the general path then applies).
 */
function denseIntegerPart(vector: Vector, part: string, field: string): IGrouping | null {
  const type = vector.type;
  if (!(DataType.isInt(type) || DataType.isFloat(type))) {
    return null;
  }
  const values = toFloat64(vector, field, part);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === x) {
      if (x !== Math.floor(x)) {
        return null;
      }
      min = x < min ? x : min;
      max = x > max ? x : max;
    }
  }
  if (!(min <= max && max - min < DENSE_RANGE)) {
    return null; // also all-missing columns (min > max; their difference is -Infinity, not NaN)
  }
  const rank = new Int32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === x) {
      rank[x - min] = 1;
    }
  }
  const labels: string[] = [];
  for (let v = 0; v < rank.length; v++) {
    if (rank[v] === 1) {
      rank[v] = labels.length;
      labels.push(String(v + min));
    } else {
      rank[v] = -1;
    }
  }
  const missing = labels.length;
  let anyMissing = false;
  const codes = new Int32Array(sharedBuffer(4 * values.length));
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === x) {
      codes[i] = rank[x - min];
    } else {
      codes[i] = missing;
      anyMissing = true;
    }
  }
  if (anyMissing) {
    labels.push(MISSING_VALUE);
  }
  return { feature: part, codes, labels };
}

/** One feature (categorical, or numeric bucketed) as codes with sorted value labels, missing last. */
function encodePart(table: Table, part: CrossPart, field: string): IGrouping {
  if (typeof part !== 'string') {
    const name = part.feature;
    const values = toFloat64(columnOf(table, name, `${field}/feature`), `${field}/feature`, name);
    requireSomeValue(
      values.some(x => x === x),
      name,
      `${field}/feature`
    );
    const buckets = part.buckets;
    const edges =
      'edges' in buckets
        ? [...new Set(buckets.edges)].sort((a, b) => a - b)
        : quantileEdges(values, buckets.quantiles);
    return { feature: name, ...bucketize(values, edges) };
  }
  const column = columnOf(table, part, field);
  const ints = int32Values(column);
  const dense = (ints && denseInt32Part(ints, part)) ?? denseIntegerPart(column, part, field);
  if (dense) {
    return dense;
  }
  const { codes, values } = categoryCodes(column);
  // Dictionaries may hold values no row uses; only values that occur become slices.
  const used = new Uint8Array(values.length);
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] >= 0) {
      used[codes[i]] = 1;
    }
  }
  const order = values.map((_, i) => i).filter(i => used[i] === 1);
  requireSomeValue(order.length > 0, part, field);
  order.sort((a, b) => {
    const x = values[a];
    const y = values[b];
    if (typeof x === 'number' && typeof y === 'number') {
      return x - y;
    }
    return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  });
  const remap = new Int32Array(values.length);
  order.forEach((code, rank) => (remap[code] = rank));
  const missing = order.length;
  let anyMissing = false;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) {
      anyMissing = true;
    }
    codes[i] = c < 0 ? missing : remap[c];
  }
  const labels = order.map(code => String(values[code]));
  if (anyMissing) {
    labels.push(MISSING_VALUE);
  }
  return { feature: part, codes, labels };
}

/** Cross of two groupings; only combinations that occur get a code, in lexicographic order of the parts. */
function cross(a: IGrouping, b: IGrouping): IGrouping {
  const width = b.labels.length;
  const keys = new Float64Array(a.codes.length);
  const present = new Set<number>();
  for (let i = 0; i < keys.length; i++) {
    const key = a.codes[i] * width + b.codes[i];
    keys[i] = key;
    present.add(key);
  }
  const sortedKeys = [...present].sort((x, y) => x - y);
  const codeOfKey = new Map<number, number>();
  sortedKeys.forEach((key, code) => codeOfKey.set(key, code));
  const codes = new Int32Array(sharedBuffer(4 * keys.length));
  for (let i = 0; i < keys.length; i++) {
    codes[i] = codeOfKey.get(keys[i])!;
  }
  const labels = sortedKeys.map(
    key => `${a.labels[Math.floor(key / width)]} × ${b.labels[key % width]}`
  );
  return { feature: `${a.feature} × ${b.feature}`, codes, labels };
}

/** More distinct values than `maxDistinct`: keep the most frequent, pool the rest into "(other)". */
function capDistinct(grouping: IGrouping, maxDistinct: number, warnings: string[]): boolean {
  const size = grouping.labels.length;
  if (size <= maxDistinct) {
    return false;
  }
  const counts = new Float64Array(size);
  for (let i = 0; i < grouping.codes.length; i++) {
    counts[grouping.codes[i]]++;
  }
  const byCount = Array.from({ length: size }, (_, c) => c).sort(
    (x, y) => counts[y] - counts[x] || x - y
  );
  const kept = byCount.slice(0, maxDistinct).sort((x, y) => x - y);
  const remap = new Int32Array(size).fill(kept.length);
  kept.forEach((code, i) => (remap[code] = i));
  for (let i = 0; i < grouping.codes.length; i++) {
    grouping.codes[i] = remap[grouping.codes[i]];
  }
  warnings.push(
    `"${grouping.feature}" has ${size} distinct values, more than maxDistinct (${maxDistinct}): the ` +
      `${maxDistinct} most frequent are shown and the other ${size - maxDistinct} are pooled as "${OTHER_VALUE}". ` +
      'Bucket the feature or raise maxDistinct to see them all.'
  );
  grouping.labels = [...kept.map(code => grouping.labels[code]), OTHER_VALUE];
  grouping.ranges = grouping.ranges && [...kept.map(code => grouping.ranges![code]), [null, null]];
  return true;
}

/** The grouping of one slice spec; `capped` when values were pooled (the result is then not complete). */
export function buildGrouping(
  table: Table,
  slice: SliceSpec,
  index: number,
  maxDistinct: number,
  warnings: string[]
): { grouping: IGrouping; capped: boolean } {
  const field = `/slices/${index}`;
  let grouping: IGrouping;
  if (typeof slice === 'object' && 'cross' in slice) {
    const parts = slice.cross.map((part, i) => encodePart(table, part, `${field}/cross/${i}`));
    grouping = parts.slice(1).reduce(cross, parts[0]);
  } else {
    grouping = encodePart(table, slice, field);
  }
  if (grouping.labels.length === 0) {
    throw new AnalysisInputError(
      `slice feature "${grouping.feature}" has no values`,
      field,
      grouping.feature
    );
  }
  return { grouping, capped: capDistinct(grouping, maxDistinct, warnings) };
}
