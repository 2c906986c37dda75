/// <reference types="node" />
/**
 * Node-only: opens the files the proxy analyses (CSV, Arrow IPC / Feather v2, Parquet) as Arrow tables.
 * Parquet is read with hyparquet (pure JS, no native code; uncompressed and snappy pages — pyarrow's default),
 * imported lazily so the rest of the engine does not load it.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Table, tableFromIPC, Vector } from 'apache-arrow';
import { CsvTableReader, dictionaryVector, float64Vector } from './csv';
import { AnalysisInputError } from './table';

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

async function readCsvFile(path: string): Promise<Table> {
  const reader = new CsvTableReader();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of createReadStream(path, {
    highWaterMark: 4 * 1024 * 1024
  })) {
    reader.push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  reader.push(decoder.decode());
  return reader.finish();
}

/** Arrow IPC bytes (stream or file format) → table, with a plain message when they are not Arrow. */
export function tableFromArrowBytes(bytes: Uint8Array, what: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    const message = (error as Error).message;
    if (/codec/i.test(message)) {
      throw new AnalysisInputError(
        `${what} is compressed Arrow (LZ4/ZSTD), which the engine cannot read: write it uncompressed ` +
          "(pyarrow.feather.write_feather(df, path, compression='uncompressed')) or as Parquet",
        '/source'
      );
    }
    throw new AnalysisInputError(`${what} is not Arrow IPC data (${message})`, '/source');
  }
}

/** Builds an Arrow vector from the plain values a Parquet reader returns (numbers, bigints, booleans, text). */
function vectorOfValues(values: unknown[]): Vector {
  const sample = values.find(v => v !== null && v !== undefined);
  if (typeof sample === 'number' || typeof sample === 'bigint' || typeof sample === 'boolean') {
    return float64Vector(
      Float64Array.from(values, v => (v === null || v === undefined ? NaN : Number(v)))
    );
  }
  const dictionary = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      codes[i] = -1;
      return;
    }
    const key = v instanceof Date ? v.toISOString() : String(v);
    let code = dictionary.get(key);
    if (code === undefined) {
      code = dictionary.size;
      dictionary.set(key, code);
    }
    codes[i] = code;
  });
  return dictionaryVector(codes, [...dictionary.keys()]);
}

async function readParquetFile(path: string, columns?: string[]): Promise<Table> {
  const { parquetMetadata, parquetRead, parquetSchema } = await import('hyparquet');
  const buffer = await readFile(path);
  const file = buffer.buffer.slice(
    buffer.byteOffset,
    buffer.byteOffset + buffer.byteLength
  ) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const available = parquetSchema(metadata).children.map(c => c.element.name);
  const wanted = columns ? available.filter(name => columns.includes(name)) : available;
  const rows = Number(metadata.num_rows);
  const data = new Map<string, unknown[]>(wanted.map(name => [name, new Array<unknown>(rows)]));
  await parquetRead({
    file,
    metadata,
    columns: wanted,
    onChunk: chunk => {
      const target = data.get(chunk.columnName)!;
      for (let i = 0; i < chunk.columnData.length; i++) {
        target[chunk.rowStart + i] = chunk.columnData[i];
      }
    }
  });
  const vectors: Record<string, Vector> = {};
  for (const [name, values] of data) {
    vectors[name] = vectorOfValues(values);
  }
  return new Table(vectors);
}

/** Reads a data file the engine can analyse; `columns` (when known) lets Parquet skip the others. */
export async function readTableFile(
  path: string,
  format?: FileFormat,
  columns?: string[]
): Promise<Table> {
  const kind = formatOf(path, format);
  try {
    if (kind === 'csv') {
      return await readCsvFile(path);
    }
    if (kind === 'parquet') {
      return await readParquetFile(path, columns);
    }
    return tableFromArrowBytes(await readFile(path), `"${path}"`);
  } catch (error) {
    if (error instanceof AnalysisInputError) {
      throw error;
    }
    throw new AnalysisInputError(
      `cannot read "${path}" as ${kind}: ${(error as Error).message}`,
      '/source/path'
    );
  }
}
