/**
 * Issue 12, finding 1 (Parquet): metadata that does not add up and pages that claim more than their bytes can
 * hold are refused in words before hyparquet allocates for them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, snappyUncompress } from 'hyparquet';
import { boundedCompressors, checkParquetMetadata } from './parquet-check';

const FILE = readFileSync(join(__dirname, 'arrow-check/fixtures/valid.parquet'));
const bytes = () =>
  FILE.buffer.slice(FILE.byteOffset, FILE.byteOffset + FILE.byteLength) as ArrayBuffer;
const WANTED = ['y', 'p', 'g'];

describe('Parquet metadata checks', () => {
  it('accepts the valid file and gives its row count', () => {
    expect(checkParquetMetadata(parquetMetadata(bytes()), FILE.length, WANTED)).toBe(120);
  });

  it('refuses a row count its row groups do not hold', () => {
    const metadata = parquetMetadata(bytes());
    metadata.num_rows = 2n ** 40n;
    expect(() => checkParquetMetadata(metadata, FILE.length, WANTED)).toThrow(
      'the file claims 1099511627776 rows but its row groups hold 120'
    );
  });

  it('refuses a column chunk outside the file', () => {
    const metadata = parquetMetadata(bytes());
    const chunk = metadata.row_groups[1].columns.find(c => c.meta_data?.path_in_schema[0] === 'p')!;
    chunk.meta_data!.total_compressed_size = 10n ** 12n;
    expect(() => checkParquetMetadata(metadata, FILE.length, WANTED)).toThrow(
      /column "p" in row group 1 claims bytes .* outside the file/
    );
  });

  it('refuses a page that claims more than snappy can expand its bytes to', () => {
    const { SNAPPY } = boundedCompressors(snappyUncompress);
    expect(() => SNAPPY!(new Uint8Array(100), 2 ** 33)).toThrow(
      'a page claims 8589934592 bytes once decompressed from 100: its header is corrupt'
    );
  });
});
