/**
 * Checks one record batch (or a dictionary batch's data) against the schema's shapes before Arrow JS reads it:
 * the node and buffer counts the schema needs, every buffer inside the message body, buffers long enough for
 * their node's length, offsets that start at 0 or more, never decrease and end inside their data, and
 * dictionary indices inside their dictionary. Each check is what pyarrow's `validate()` also refuses.
 */
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { CheckedBytes, CorruptArrow, IFieldShape } from './shapes';

/** The largest row count the engine's typed arrays can hold (and Arrow JS's 32-bit offsets). */
const MAX_LENGTH = 2 ** 31 - 1;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

interface IRange {
  offset: number;
  length: number;
}

function safeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(MAX_LENGTH) * 16n) {
    throw new CorruptArrow(`${what} is ${value}`);
  }
  return Number(value);
}

export class BatchChecker {
  private node = 0;
  private buffer = 0;
  private readonly nodeCount: number;
  private readonly bufferCount: number;
  private readonly view: DataView;

  constructor(
    private readonly batch: RecordBatch,
    bb: CheckedBytes,
    private readonly body: Uint8Array,
    private readonly dictionaryLengths: Map<number, number>
  ) {
    this.nodeCount = bb.vectorLength(batch.nodesLength(), 16, 'field nodes');
    this.bufferCount = bb.vectorLength(batch.buffersLength(), 16, 'buffers');
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (batch.compression()) {
      throw new CorruptArrow(
        'it is compressed Arrow (LZ4/ZSTD), which the engine cannot read: write it uncompressed ' +
          "(pyarrow.feather.write_feather(df, path, compression='uncompressed')) or as Parquet"
      );
    }
  }

  /** The batch's row count, checked. */
  rows(): number {
    const rows = safeNumber(this.batch.length(), 'its record batch length');
    if (rows > MAX_LENGTH) {
      throw new CorruptArrow(`a record batch claims ${rows} rows`);
    }
    return rows;
  }

  /** Checks the top-level fields in schema order; each must have `rows` values. */
  check(fields: IFieldShape[], rows: number): void {
    for (const field of fields) {
      this.field(field, rows, true);
    }
    if (this.node !== this.nodeCount || this.buffer !== this.bufferCount) {
      throw new CorruptArrow(
        `a record batch has ${this.nodeCount} field nodes and ${this.bufferCount} buffers; ` +
          `its schema needs ${this.node} and ${this.buffer}`
      );
    }
  }

  private nextNode(name: string): { length: number; nullCount: number } {
    if (this.node >= this.nodeCount) {
      throw new CorruptArrow(`a record batch has no field node for column "${name}"`);
    }
    const node = this.batch.nodes(this.node++)!;
    const length = safeNumber(node.length(), `the length of column "${name}"`);
    const nullCount = safeNumber(node.nullCount(), `the null count of column "${name}"`);
    if (length > MAX_LENGTH || nullCount > length) {
      throw new CorruptArrow(`column "${name}" claims ${length} values with ${nullCount} nulls`);
    }
    return { length, nullCount };
  }

  private nextBuffer(name: string): IRange {
    if (this.buffer >= this.bufferCount) {
      throw new CorruptArrow(`a record batch has too few buffers for column "${name}"`);
    }
    const buffer = this.batch.buffers(this.buffer++)!;
    const offset = safeNumber(buffer.offset(), `a buffer offset of column "${name}"`);
    const length = safeNumber(buffer.length(), `a buffer length of column "${name}"`);
    if (offset + length > this.body.length) {
      throw new CorruptArrow(
        `a buffer of column "${name}" (bytes ${offset}–${offset + length}) lies outside the ` +
          `message body (${this.body.length} bytes)`
      );
    }
    return { offset, length };
  }

  private need(range: IRange, bytes: number, name: string, what: string): void {
    if (range.length < bytes) {
      throw new CorruptArrow(
        `the ${what} buffer of column "${name}" has ${range.length} bytes, its values need ${bytes}`
      );
    }
  }

  private field(shape: IFieldShape, expected: number, exact: boolean): void {
    const { name } = shape;
    const { length, nullCount } = this.nextNode(name);
    if (exact ? length !== expected : length < expected) {
      throw new CorruptArrow(
        `column "${name}" has ${length} values where its parent needs ${expected}`
      );
    }
    if (shape.kind === 'null') {
      return;
    }
    const validity = this.nextBuffer(name);
    if (nullCount > 0) {
      this.need(validity, Math.ceil(length / 8), name, 'validity');
      this.nulls(validity, length, nullCount, name);
    }
    if (shape.dictionary) {
      this.indices(shape, length, nullCount > 0 ? validity : null);
      return;
    }
    switch (shape.kind) {
      case 'fixed':
        this.need(this.nextBuffer(name), length * shape.width, name, 'values');
        return;
      case 'bits':
        this.need(this.nextBuffer(name), Math.ceil(length / 8), name, 'values');
        return;
      case 'binary': {
        const offsets = this.nextBuffer(name);
        const data = this.nextBuffer(name);
        const end = this.offsets(offsets, length, shape.offsetWidth, data.length, name);
        if (shape.utf8) {
          this.utf8(data, end, name);
        }
        return;
      }
      case 'list': {
        const end = this.offsets(
          this.nextBuffer(name),
          length,
          shape.offsetWidth,
          MAX_LENGTH,
          name
        );
        this.field(shape.children[0], end, false);
        return;
      }
      case 'fixed-list':
        if (length * shape.listSize > MAX_LENGTH) {
          throw new CorruptArrow(`fixed-size list column "${name}" claims too many values`);
        }
        this.field(shape.children[0], length * shape.listSize, false);
        return;
      case 'struct':
        shape.children.forEach(child => this.field(child, length, false));
        return;
    }
  }

  /** The validity bitmap's unset bits must number `nullCount` (Arrow JS trusts the count). */
  private nulls(range: IRange, length: number, nullCount: number, name: string): void {
    let present = 0;
    const bytes = this.body;
    const full = length >> 3;
    for (let i = 0; i < full; i++) {
      let b = bytes[range.offset + i];
      b = b - ((b >> 1) & 0x55);
      b = (b & 0x33) + ((b >> 2) & 0x33);
      present += (b + (b >> 4)) & 0x0f;
    }
    for (let i = full * 8; i < length; i++) {
      present += (bytes[range.offset + (i >> 3)] >> (i & 7)) & 1;
    }
    if (length - present !== nullCount) {
      throw new CorruptArrow(
        `column "${name}" claims ${nullCount} nulls but its validity bitmap has ${length - present}`
      );
    }
  }

  private utf8(range: IRange, end: number, name: string): void {
    try {
      UTF8.decode(this.body.subarray(range.offset, range.offset + end));
    } catch {
      throw new CorruptArrow(`column "${name}" holds text that is not valid UTF-8`);
    }
  }

  /** Offsets: length + 1 of them, from 0 or more, never decreasing, the last within `limit`. */
  private offsets(
    range: IRange,
    length: number,
    width: number,
    limit: number,
    name: string
  ): number {
    if (length === 0) {
      return 0;
    }
    this.need(range, (length + 1) * width, name, 'offsets');
    const at = (i: number) =>
      width === 4
        ? this.view.getInt32(range.offset + 4 * i, true)
        : Number(this.view.getBigInt64(range.offset + 8 * i, true));
    let previous = at(0);
    if (previous < 0) {
      throw new CorruptArrow(`column "${name}" has a negative offset`);
    }
    for (let i = 1; i <= length; i++) {
      const next = at(i);
      if (next < previous) {
        throw new CorruptArrow(`column "${name}" has decreasing offsets at value ${i - 1}`);
      }
      previous = next;
    }
    if (previous > limit) {
      throw new CorruptArrow(
        `column "${name}" has offsets reaching ${previous}, past its data (${limit})`
      );
    }
    return previous;
  }

  private indices(shape: IFieldShape, length: number, validity: IRange | null): void {
    const { id, indexWidth, signed } = shape.dictionary!;
    const { name } = shape;
    const size = this.dictionaryLengths.get(id);
    if (size === undefined) {
      throw new CorruptArrow(`column "${name}" uses dictionary ${id}, which comes before no batch`);
    }
    const range = this.nextBuffer(name);
    this.need(range, length * indexWidth, name, 'dictionary index');
    const view = this.view;
    const read = [
      (i: number) => (signed ? view.getInt8(i) : view.getUint8(i)),
      (i: number) => (signed ? view.getInt16(i, true) : view.getUint16(i, true)),
      (i: number) => (signed ? view.getInt32(i, true) : view.getUint32(i, true)),
      (i: number) => Number(signed ? view.getBigInt64(i, true) : view.getBigUint64(i, true))
    ][Math.log2(indexWidth)];
    for (let i = 0; i < length; i++) {
      if (validity && ((this.body[validity.offset + (i >> 3)] >> (i & 7)) & 1) === 0) {
        continue;
      }
      const index = read(range.offset + i * indexWidth);
      if (!(index >= 0 && index < size)) {
        throw new CorruptArrow(
          `column "${name}" has dictionary index ${index} at row ${i}; its dictionary has ${size} values`
        );
      }
    }
  }
}
