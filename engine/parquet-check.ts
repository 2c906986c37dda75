/**
 * Parquet metadata checked before hyparquet decodes pages: row counts that agree, column chunks inside the file,
 * and page sizes the decompressor may allocate bounded by what snappy can expand to — a corrupted footer or page
 * header must not make the reader allocate gigabytes.
 */
import type { Compressors, FileMetaData } from 'hyparquet';

/** Snappy's densest element (a 3-byte copy of 64 bytes) expands ~21×; anything claiming more is corrupt. */
const SNAPPY_MAX_RATIO = 24;

/** A problem in the file's metadata, in words. */
export class CorruptParquet extends Error {}

/** The row count, after checking the row groups and the chunks of the `wanted` columns. */
export function checkParquetMetadata(
  metadata: FileMetaData,
  fileSize: number,
  wanted: string[]
): number {
  const rows = metadata.num_rows;
  let sum = 0n;
  for (const [g, group] of metadata.row_groups.entries()) {
    if (group.num_rows < 0n) {
      throw new CorruptParquet(`row group ${g} claims ${group.num_rows} rows`);
    }
    sum += group.num_rows;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      const name = meta?.path_in_schema.join('.') ?? '?';
      if (!meta || !wanted.includes(meta.path_in_schema[0])) {
        continue;
      }
      if (chunk.file_path) {
        throw new CorruptParquet(`column "${name}" lives in another file (${chunk.file_path})`);
      }
      const start = meta.dictionary_page_offset ?? meta.data_page_offset;
      const end = start + meta.total_compressed_size;
      if (start < 4n || meta.total_compressed_size < 0n || end > BigInt(fileSize)) {
        throw new CorruptParquet(
          `column "${name}" in row group ${g} claims bytes ${start}–${end}, outside the file (${fileSize} bytes)`
        );
      }
      if (meta.num_values < 0n || meta.total_uncompressed_size < 0n) {
        throw new CorruptParquet(`column "${name}" in row group ${g} claims negative sizes`);
      }
    }
  }
  if (rows !== sum || rows < 0n) {
    throw new CorruptParquet(`the file claims ${rows} rows but its row groups hold ${sum}`);
  }
  if (rows > BigInt(2 ** 31 - 1)) {
    throw new CorruptParquet(`the file claims ${rows} rows, more than the engine can index`);
  }
  return Number(rows);
}

/** hyparquet's snappy, refusing a page whose header claims more than its compressed bytes can expand to. */
export function boundedCompressors(
  snappyUncompress: (input: Uint8Array, output: Uint8Array) => void
): Compressors {
  return {
    SNAPPY: (input, outputLength) => {
      if (!(outputLength >= 0 && outputLength <= input.length * SNAPPY_MAX_RATIO + 64)) {
        throw new CorruptParquet(
          `a page claims ${outputLength} bytes once decompressed from ${input.length}: its header is corrupt`
        );
      }
      const output = new Uint8Array(outputLength);
      snappyUncompress(input, output);
      return output;
    }
  };
}
