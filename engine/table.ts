/**
 * Reads Arrow columns into flat typed arrays, checking them with errors that name the column and the problem.
 * Pure TypeScript over apache-arrow: no DOM and no Node APIs, so it also runs in a web worker.
 */
import { DataType, Table, Type, Vector } from 'apache-arrow';
import { sharedBuffer } from './order';

/** Bad input, in plain words, with the spec field that named the column (for the 400's field path). */
export class AnalysisInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly column?: string
  ) {
    super(message);
    this.name = 'AnalysisInputError';
  }
}

/** Up to three column names close to `name` (case-insensitive edit distance, or one containing the other). */
export function closestNames(name: string, known: string[]): string[] {
  const wanted = name.toLowerCase();
  const scored = known
    .map(candidate => {
      const lower = candidate.toLowerCase();
      const shorter = Math.min(lower.length, wanted.length);
      const contains = shorter >= 3 && (lower.includes(wanted) || wanted.includes(lower));
      return { candidate, distance: contains ? 0.5 : editDistance(wanted, lower) };
    })
    .filter(({ distance }) => distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, 3).map(s => s.candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
    }
    previous = current;
  }
  return previous[b.length];
}

export function columnOf(table: Table, name: string, field: string): Vector {
  const column = table.getChild(name);
  if (!column) {
    const known = table.schema.fields.map(f => f.name);
    const close = closestNames(name, known);
    const hint = close.length
      ? `did you mean ${close.map(c => `"${c}"`).join(' or ')}?`
      : `the data has ${known.length} column${known.length === 1 ? '' : 's'}: ` +
        known.slice(0, 20).join(', ') +
        (known.length > 20 ? ', …' : '');
    throw new AnalysisInputError(`column "${name}" is not in the data; ${hint}`, field, name);
  }
  return column;
}

const isNumeric = (type: DataType) =>
  DataType.isInt(type) || DataType.isFloat(type) || DataType.isBool(type);

/** True when the column holds numbers (ints, floats, booleans), not strings or categories. */
export function isNumericColumn(vector: Vector): boolean {
  return isNumeric(vector.type);
}

/** The column as Float64 with nulls as NaN (ints, 64-bit ints, floats; booleans as 0/1). */
export function toFloat64(vector: Vector, field: string, name: string): Float64Array {
  const type = vector.type;
  if (!isNumeric(type)) {
    throw new AnalysisInputError(
      `column "${name}" is not numeric (it holds ${String(type)} values)`,
      field,
      name
    );
  }
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const { offset, length, nullBitmap, nullCount } = data;
    const values = data.values as ArrayLike<number | bigint>;
    if (type.typeId === Type.Bool) {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < length; i++) {
        const bit = offset + i;
        out[at + i] = (bits[bit >> 3] >> (bit & 7)) & 1;
      }
    } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      // Read the 64-bit ints as two 32-bit halves: exact below 2^53 and far faster than Number(bigint).
      const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
      const signed = values instanceof BigInt64Array;
      for (let i = 0; i < length; i++) {
        const lo = words[2 * (offset + i)];
        const hi = words[2 * (offset + i) + 1];
        out[at + i] = (signed ? hi | 0 : hi) * 4294967296 + lo;
      }
    } else if (DataType.isFloat(type) && (type as { precision: number }).precision === 0) {
      for (let i = 0; i < length; i++) {
        out[at + i] = Number(vector.get(at + i)); // float16: let Arrow decode the half floats
      }
    } else {
      for (let i = 0; i < length; i++) {
        out[at + i] = values[offset + i] as number;
      }
    }
    if (nullCount > 0 && nullBitmap) {
      for (let i = 0; i < length; i++) {
        const bit = offset + i;
        if (((nullBitmap[bit >> 3] >> (bit & 7)) & 1) === 0) {
          out[at + i] = NaN;
        }
      }
    }
    at += length;
  }
  return out;
}

/** Rows where the array is NaN: count and the first row, for messages. */
export function findNaN(values: Float64Array): {
  count: number;
  first: number;
} {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) {
      if (count === 0) {
        first = i;
      }
      count++;
    }
  }
  return { count, first };
}

export function requireNoNaN(values: Float64Array, field: string, name: string): void {
  const { count, first } = findNaN(values);
  if (count > 0) {
    throw new AnalysisInputError(
      `column "${name}" has ${count} missing or NaN value${count === 1 ? '' : 's'} (first at row ${first}); ` +
        'drop or fill them before the analysis',
      field,
      name
    );
  }
}

/** For small-range integer columns, a lookup table replaces the Map (most slice features are such codes). */
function denseIntegerCodes(numbers: Float64Array): { min: number; table: Int32Array } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < numbers.length; i++) {
    const x = numbers[i];
    if (x === x) {
      if (!Number.isInteger(x)) {
        return null;
      }
      min = x < min ? x : min;
      max = x > max ? x : max;
    }
  }
  if (min > max) {
    return null; // no value at all: every row is missing
  }
  return max - min < 1 << 20 ? { min, table: new Int32Array(max - min + 1).fill(-1) } : null;
}

/** Integer codes of a column's distinct values (strings, dictionaries, numbers, booleans); null → -1. */
export function categoryCodes(vector: Vector): {
  codes: Int32Array;
  values: (string | number)[];
} {
  // Per-row codes live in shared memory: worker threads read them in place (engine/threads.ts).
  const codes = new Int32Array(sharedBuffer(4 * vector.length));
  const values: (string | number)[] = [];
  const type = vector.type;
  if (isNumeric(type)) {
    const numbers = toFloat64(vector, '', '');
    const seen = new Map<number, number>();
    const dense = denseIntegerCodes(numbers);
    for (let i = 0; i < numbers.length; i++) {
      const x = numbers[i];
      if (x !== x) {
        codes[i] = -1;
        continue;
      }
      if (dense && dense.table[x - dense.min] >= 0) {
        codes[i] = dense.table[x - dense.min];
        continue;
      }
      let code = seen.get(x);
      if (code === undefined) {
        code = values.length;
        seen.set(x, code);
        values.push(DataType.isBool(type) ? String(x === 1) : x);
        if (dense) {
          dense.table[x - dense.min] = code;
        }
      }
      codes[i] = code;
    }
    return { codes, values };
  }
  const seen = new Map<string, number>();
  const codeOf = (raw: unknown): number => {
    if (raw === null || raw === undefined) {
      return -1;
    }
    const key = typeof raw === 'string' ? raw : String(raw);
    let code = seen.get(key);
    if (code === undefined) {
      code = values.length;
      seen.set(key, code);
      values.push(key);
    }
    return code;
  };
  let at = 0;
  for (const data of vector.data) {
    if (DataType.isDictionary(type) && data.dictionary) {
      // Map the (small) dictionary once, then copy indices: no per-row string work.
      const dictionary = data.dictionary;
      const remap = new Int32Array(dictionary.length);
      for (let j = 0; j < dictionary.length; j++) {
        remap[j] = codeOf(dictionary.get(j));
      }
      const indices = data.values as ArrayLike<number | bigint>;
      const { nullBitmap, nullCount, offset } = data;
      for (let i = 0; i < data.length; i++) {
        const bit = offset + i;
        const isNull =
          nullCount > 0 && nullBitmap && ((nullBitmap[bit >> 3] >> (bit & 7)) & 1) === 0;
        codes[at + i] = isNull ? -1 : remap[Number(indices[offset + i])];
      }
    } else {
      for (let i = 0; i < data.length; i++) {
        codes[at + i] = codeOf(vector.get(at + i));
      }
    }
    at += data.length;
  }
  return { codes, values };
}

/** The input is valid but larger than the analysis may hold in memory (answered 413, not 400). */
export class AnalysisLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisLimitError';
  }
}

/**
 * Bytes the engine needs per row besides the columns themselves: measured ~110 at its peak (the sort) for 5 slice
 * features and weights — Float64 inputs, packed records and their sorted copy, keys, scores, codes (docs/analysis.md,
 * Speed: 162 B/row of RSS with 50 B/row of Arrow columns).
 */
const ENGINE_BYTES_PER_ROW = 112;

/**
 * Refuses before allocating when `rows` rows of `columns` columns would not fit in `maxBytes` (typed arrays live
 * outside the worker's heap limit, so this estimate is what bounds them).
 */
export function checkRowBudget(rows: number, columns: number, maxBytes: number | undefined): void {
  if (maxBytes === undefined) {
    return;
  }
  const needed = rows * (columns * 8 + ENGINE_BYTES_PER_ROW);
  if (needed > maxBytes) {
    const mib = (x: number) => `${Math.ceil(x / 2 ** 20)} MiB`;
    throw new AnalysisLimitError(
      `${rows.toLocaleString('en')} rows × ${columns} columns need about ${mib(needed)}, more than the ` +
        `analysis memory limit of ${mib(maxBytes)} (KFWB_ANALYSIS_MEMORY_MB): sample the rows or raise the limit`
    );
  }
}
