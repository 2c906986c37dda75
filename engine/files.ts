/// <reference types="node" />
/**
 * Node-only: opens the files the proxy analyses (CSV, Arrow IPC / Feather v2, Parquet) as Arrow tables.
 * Parquet is read with hyparquet (pure JS, no native code; uncompressed and snappy pages — pyarrow's default),
 * imported lazily so the rest of the engine does not load it.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Table, tableFromIPC, Vector } from 'apache-arrow';
import { checkArrowIpc, CorruptArrow } from './arrow-check';
import { CsvProblem, dictionaryVector, float64Vector, readCsv, tableOfVectors } from './csv';
import { checkParquetMetadata, boundedCompressors } from './parquet-check';
import { AnalysisInputError, AnalysisLimitError, checkRowBudget } from './table';

export type FileFormat = 'csv' | 'parquet' | 'arrow';

export function formatOf(path: string, format?: FileFormat): FileFormat {
  if (format) {
    return format;
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) {
    return 'csv';
  }
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) {
    return 'parquet';
  }
  if (
    lower.endsWith('.arrow') ||
    lower.endsWith('.feather') ||
    lower.endsWith('.ipc') ||
    lower.endsWith('.arrows')
  ) {
    return 'arrow';
  }
  throw new AnalysisInputError(
    `cannot tell the format of "${path}": use .csv, .parquet, .arrow or .feather, or set source.format`,
    '/source/path'
  );
}

/** Limits the reader enforces while reading (the worker passes its memory budget). */
export interface IReadLimits {
  /** Refuse (AnalysisLimitError) when the rows read would need more than this many bytes. */
  maxBytes?: number;
}

async function readCsvFile(path: string, name: string, limits: IReadLimits): Promise<Table> {
  try {
    return await readCsv(createReadStream(path, { highWaterMark: 1024 * 1024 }), limits.maxBytes);
  } catch (error) {
    if (error instanceof CsvProblem) {
      throw new AnalysisInputError(`"${name}" is not valid CSV: ${error.message}`, '/source/path');
    }
    throw error;
  }
}

/** Arrow IPC bytes (stream or file format) → table, checked first so corrupted bytes are refused by name. */
export function tableFromArrowBytes(
  bytes: Uint8Array,
  what: string,
  limits: IReadLimits = {}
): Table {
  try {
    checkArrowIpc(bytes);
  } catch (error) {
    if (error instanceof CorruptArrow) {
      throw new AnalysisInputError(
        `${what} is not valid Arrow IPC data: ${error.message}`,
        '/source'
      );
    }
    throw error;
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new AnalysisInputError(
      `${what} is not Arrow IPC data (${(error as Error).message})`,
      '/source'
    );
  }
  checkRowBudget(table.numRows, 0, limits.maxBytes);
  return table;
}

/**
 * One Parquet column as it is decoded, chunk by chunk: numbers (ints, bigints, booleans) go straight into a
 * Float64Array (nulls NaN); the first text value (strings, dates) switches the column to dictionary codes.
 * Memory is one typed array per column, not a JS array of boxed values.
 */
class ParquetColumn {
  private numbers: Float64Array | null;
  private codes: Int32Array | null = null;
  private readonly dictionary = new Map<string, number>();

  constructor(private readonly rows: number) {
    this.numbers = new Float64Array(rows).fill(NaN);
  }

  set(at: number, values: ArrayLike<unknown>): void {
    const numbers = this.numbers;
    if (
      numbers &&
      ArrayBuffer.isView(values) &&
      !(values instanceof BigInt64Array || values instanceof BigUint64Array)
    ) {
      numbers.set(values as unknown as ArrayLike<number>, at); // typed arrays of numbers: one copy
      return;
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (this.numbers) {
        if (v === null || v === undefined) {
          continue; // already NaN
        }
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
          this.numbers[at + i] = Number(v);
          continue;
        }
        this.switchToText();
      }
      this.codes![at + i] = v === null || v === undefined ? -1 : this.codeOf(v);
    }
  }

  private codeOf(value: unknown): number {
    const key = value instanceof Date ? value.toISOString() : String(value);
    let code = this.dictionary.get(key);
    if (code === undefined) {
      code = this.dictionary.size;
      this.dictionary.set(key, code);
    }
    return code;
  }

  private switchToText(): void {
    const numbers = this.numbers!;
    this.numbers = null;
    this.codes = new Int32Array(this.rows).fill(-1);
    for (let i = 0; i < numbers.length; i++) {
      if (numbers[i] === numbers[i]) {
        this.codes[i] = this.codeOf(numbers[i]);
      }
    }
  }

  toVector(): Vector {
    return this.numbers
      ? float64Vector(this.numbers)
      : dictionaryVector(this.codes!, [...this.dictionary.keys()]);
  }
}

async function readParquetFile(
  path: string,
  columns: string[] | undefined,
  limits: IReadLimits
): Promise<Table> {
  const { parquetMetadata, parquetRead, parquetSchema, snappyUncompress } =
    await import('hyparquet');
  const size = (await stat(path)).size;
  const buffer = await readFile(path);
  const file = buffer.buffer.slice(
    buffer.byteOffset,
    buffer.byteOffset + buffer.byteLength
  ) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const available = parquetSchema(metadata).children.map(c => c.element.name);
  const wanted = columns ? available.filter(name => columns.includes(name)) : available;
  const rows = checkParquetMetadata(metadata, size, wanted);
  checkRowBudget(rows, wanted.length, limits.maxBytes);
  const data = new Map(wanted.map(name => [name, new ParquetColumn(rows)]));
  await parquetRead({
    file,
    metadata,
    columns: wanted,
    compressors: boundedCompressors(snappyUncompress),
    onChunk: chunk => {
      const target = data.get(chunk.columnName);
      if (!target || chunk.rowStart < 0 || chunk.rowStart + chunk.columnData.length > rows) {
        throw new Error(`column "${chunk.columnName}" has more values than the file has rows`);
      }
      target.set(chunk.rowStart, chunk.columnData);
    }
  });
  return tableOfVectors([...data].map(([name, column]) => [name, column.toVector()]));
}

/** Reads a data file the engine can analyse; `columns` (when known) lets Parquet skip the others. */
export async function readTableFile(
  path: string,
  format?: FileFormat,
  columns?: string[],
  limits: IReadLimits = {},
  /** How messages name the file (the path the user gave, not the resolved one). */
  name = path
): Promise<Table> {
  const kind = formatOf(path, format);
  try {
    if (kind === 'csv') {
      return await readCsvFile(path, name, limits);
    }
    if (kind === 'parquet') {
      return await readParquetFile(path, columns, limits);
    }
    return tableFromArrowBytes(await readFile(path), `"${name}"`, limits);
  } catch (error) {
    if (error instanceof AnalysisInputError || error instanceof AnalysisLimitError) {
      throw error;
    }
    throw new AnalysisInputError(
      `cannot read "${name}" as ${kind}: ${(error as Error).message}`,
      '/source/path'
    );
  }
}
