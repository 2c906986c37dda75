/**
 * `checkArrowIpc(bytes)`: validates Arrow IPC bytes (stream or file format) before Arrow JS reads them, so a
 * corrupted file is answered with what is wrong instead of a crash, a 4 GB allocation or a 500 later. Checks
 * the framing (message and body lengths inside the bytes), every flatbuffer read (inside its message), the
 * schema (known types, nesting depth), and each batch (see batches.ts). Pure TypeScript, no Node APIs.
 */
import { Block } from 'apache-arrow/fb/block';
import { DictionaryBatch } from 'apache-arrow/fb/dictionary-batch';
import { Footer } from 'apache-arrow/fb/footer';
import { Message } from 'apache-arrow/fb/message';
import { MessageHeader } from 'apache-arrow/fb/message-header';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema } from 'apache-arrow/fb/schema';
import { BatchChecker } from './batches';
import { CheckedBytes, checkMetadata, CorruptArrow, IFieldShape, shapesOfSchema } from './shapes';

export { CorruptArrow } from './shapes';

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const CONTINUATION = -1;

interface ISchemaShapes {
  fields: IFieldShape[];
  dictionaries: Map<number, IFieldShape>;
}

/** Row count per dictionary id so far (deltas add to it). */
type DictionaryLengths = Map<number, number>;

const hasMagic = (bytes: Uint8Array, at: number) =>
  at >= 0 && at + MAGIC.length <= bytes.length && MAGIC.every((b, i) => bytes[at + i] === b);

interface IFramedMessage {
  message: Message;
  bb: CheckedBytes;
  body: Uint8Array;
  /** Where the next message starts. */
  end: number;
}

/** The message at `at` (continuation marker or legacy length prefix), or null at the end-of-stream marker. */
function messageAt(bytes: Uint8Array, at: number): IFramedMessage | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 4 > bytes.length) {
    return null; // a stream may end without its end marker
  }
  let length = view.getInt32(at, true);
  let start = at + 4;
  if (length === CONTINUATION) {
    if (start + 4 > bytes.length) {
      throw new CorruptArrow('it ends inside a message header');
    }
    length = view.getInt32(start, true);
    start += 4;
  }
  if (length === 0) {
    return null;
  }
  if (length < 0 || start + length > bytes.length) {
    throw new CorruptArrow(
      `a message at byte ${at} claims ${length} bytes of metadata; ${bytes.length - start} remain`
    );
  }
  const bb = new CheckedBytes(bytes.subarray(start, start + length));
  const message = Message.getRootAsMessage(bb);
  const version = message.version();
  if (version < 3 || version > 4) {
    throw new CorruptArrow(
      `a message at byte ${at} has metadata version ${version + 1}, not 4 or 5`
    );
  }
  checkMetadata(message, bb);
  const bodyLength = message.bodyLength();
  const bodyStart = start + length;
  if (bodyLength < 0n || bodyLength > BigInt(bytes.length - bodyStart)) {
    throw new CorruptArrow(
      `a message at byte ${at} claims a body of ${bodyLength} bytes; ${bytes.length - bodyStart} remain`
    );
  }
  const end = bodyStart + Number(bodyLength);
  return { message, bb, body: bytes.subarray(bodyStart, end), end };
}

function schemaOf(framed: IFramedMessage): ISchemaShapes {
  if (framed.message.headerType() !== MessageHeader.Schema) {
    throw new CorruptArrow('it does not start with a schema message');
  }
  const schema = framed.message.header(new Schema()) as Schema | null;
  if (!schema) {
    throw new CorruptArrow('its schema message is empty');
  }
  if (schema.endianness() !== 0) {
    throw new CorruptArrow('it is big-endian Arrow, which the engine cannot read');
  }
  return shapesOfSchema(schema, framed.bb);
}

/** Checks one dictionary or record batch message against the schema; returns the rows of a record batch. */
function checkBatch(
  framed: IFramedMessage,
  shapes: ISchemaShapes,
  lengths: DictionaryLengths
): number {
  const { message, bb, body } = framed;
  const type = message.headerType();
  if (type === MessageHeader.RecordBatch) {
    const batch = message.header(new RecordBatch()) as RecordBatch | null;
    if (!batch) {
      throw new CorruptArrow('a record batch message is empty');
    }
    const checker = new BatchChecker(batch, bb, body, lengths);
    const rows = checker.rows();
    checker.check(shapes.fields, rows);
    return rows;
  }
  if (type === MessageHeader.DictionaryBatch) {
    const dictionary = message.header(new DictionaryBatch()) as DictionaryBatch | null;
    const data = dictionary?.data();
    if (!dictionary || !data) {
      throw new CorruptArrow('a dictionary batch message is empty');
    }
    const id = Number(dictionary.id());
    const shape = shapes.dictionaries.get(id);
    if (!shape) {
      throw new CorruptArrow(`a dictionary batch has id ${id}, which no column uses`);
    }
    const checker = new BatchChecker(data, bb, body, lengths);
    const rows = checker.rows();
    checker.check([shape], rows);
    const before = lengths.get(id);
    if (dictionary.isDelta() && before === undefined) {
      throw new CorruptArrow(`dictionary ${id} gets a delta before its first batch`);
    }
    lengths.set(id, (dictionary.isDelta() ? before! : 0) + rows);
    return 0;
  }
  if (type === MessageHeader.Schema) {
    throw new CorruptArrow('it has a second schema message');
  }
  throw new CorruptArrow(`it has a message of unknown type ${type}`);
}

function checkStream(bytes: Uint8Array): void {
  const first = messageAt(bytes, 0);
  if (!first) {
    throw new CorruptArrow('it has no schema message');
  }
  const shapes = schemaOf(first);
  const lengths: DictionaryLengths = new Map();
  for (let framed = messageAt(bytes, first.end); framed; framed = messageAt(bytes, framed.end)) {
    checkBatch(framed, shapes, lengths);
  }
}

/** The file format: magic, messages, footer (schema and block offsets), footer length, magic. */
function checkFile(bytes: Uint8Array): void {
  const tail = bytes.length - MAGIC.length;
  if (!hasMagic(bytes, tail) || bytes.length < 8 + 4 + MAGIC.length) {
    throw new CorruptArrow('it starts like an Arrow file but its end is missing (truncated?)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getInt32(tail - 4, true);
  const footerStart = tail - 4 - footerLength;
  if (footerLength <= 0 || footerStart < 8) {
    throw new CorruptArrow(`its footer claims ${footerLength} bytes, which do not fit in the file`);
  }
  const bb = new CheckedBytes(bytes.subarray(footerStart, footerStart + footerLength));
  const footer = Footer.getRootAsFooter(bb);
  const schema = footer.schema();
  if (!schema) {
    throw new CorruptArrow('its footer has no schema');
  }
  if (schema.endianness() !== 0) {
    throw new CorruptArrow('it is big-endian Arrow, which the engine cannot read');
  }
  checkMetadata(footer, bb);
  const shapes = shapesOfSchema(schema, bb);
  const messages = bytes.subarray(0, footerStart);
  const lengths: DictionaryLengths = new Map();
  const blocks = (count: number, get: (i: number) => Block | null, what: string) => {
    bb.vectorLength(count, 24, what);
    for (let i = 0; i < count; i++) {
      const offset = get(i)!.offset();
      if (offset < 8n || offset >= BigInt(footerStart)) {
        throw new CorruptArrow(`its footer places a ${what} at byte ${offset}, outside the file`);
      }
      const framed = messageAt(messages, Number(offset));
      if (!framed) {
        throw new CorruptArrow(`its footer places a ${what} at byte ${offset}, where none is`);
      }
      checkBatch(framed, shapes, lengths);
    }
  };
  blocks(footer.dictionariesLength(), i => footer.dictionaries(i), 'dictionary batch');
  blocks(footer.recordBatchesLength(), i => footer.recordBatches(i), 'record batch');
}

/** Throws CorruptArrow naming the first problem; returns when Arrow JS can read the bytes safely. */
export function checkArrowIpc(bytes: Uint8Array): void {
  if (hasMagic(bytes, 0)) {
    checkFile(bytes);
  } else {
    checkStream(bytes);
  }
}
