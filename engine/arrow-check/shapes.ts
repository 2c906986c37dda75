/**
 * The Arrow schema as the checker needs it: per field, which buffers each node has and how large they must be.
 * Read through `CheckedBytes`, a flatbuffers ByteBuffer that refuses any read outside its bytes — Arrow JS's own
 * reader trusts every offset and length in the metadata, which is how a few changed bytes made it allocate
 * gigabytes (a vector "length" of 2^31 read from garbage).
 */
import { ByteBuffer } from 'flatbuffers';
import { Date as FbDate } from 'apache-arrow/fb/date';
import { Decimal } from 'apache-arrow/fb/decimal';
import { Field } from 'apache-arrow/fb/field';
import { FixedSizeBinary } from 'apache-arrow/fb/fixed-size-binary';
import { FixedSizeList } from 'apache-arrow/fb/fixed-size-list';
import { FloatingPoint } from 'apache-arrow/fb/floating-point';
import { Int } from 'apache-arrow/fb/int';
import { KeyValue } from 'apache-arrow/fb/key-value';
import { Interval } from 'apache-arrow/fb/interval';
import { Schema } from 'apache-arrow/fb/schema';
import { Time } from 'apache-arrow/fb/time';
import { Type } from 'apache-arrow/fb/type';

/** A problem in the bytes, in words; the caller adds which input it was. */
export class CorruptArrow extends Error {}

export class CheckedBytes extends ByteBuffer {
  private need(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity())) {
      throw new CorruptArrow('its metadata points outside the message');
    }
  }
  readUint8(offset: number): number {
    this.need(offset, 1);
    return super.readUint8(offset);
  }
  readUint16(offset: number): number {
    this.need(offset, 2);
    return super.readUint16(offset);
  }
  readInt32(offset: number): number {
    this.need(offset, 4);
    return super.readInt32(offset);
  }
  /** Strings as the flatbuffers verifier wants them: inside the bytes and NUL-terminated. */
  __string(offset: number, encoding?: unknown): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    const end = start + 4 + length;
    if (length < 0 || end + 1 > this.capacity() || this.bytes()[end] !== 0) {
      throw new CorruptArrow('its metadata has a string that runs past its message');
    }
    return super.__string(offset, encoding as never);
  }
  /** A vector's length, refused unless `elementSize`-byte elements of that many fit in the bytes. */
  vectorLength(length: number, elementSize: number, what: string): number {
    if (!(length >= 0 && length * elementSize <= this.capacity())) {
      throw new CorruptArrow(
        `its metadata claims ${length} ${what}, more than the message can hold`
      );
    }
    return length;
  }
}

/** What a field's nodes and buffers look like in a record batch. */
export interface IFieldShape {
  name: string;
  /** 'fixed': one values buffer of `width` bytes per value; 'bits': packed booleans. */
  kind: 'null' | 'fixed' | 'bits' | 'binary' | 'list' | 'fixed-list' | 'struct';
  width: number;
  /** Offsets width for binary/list kinds (4, or 8 for the Large variants). */
  offsetWidth: number;
  /** Text (Utf8, LargeUtf8): the data must be valid UTF-8. */
  utf8?: boolean;
  listSize: number;
  children: IFieldShape[];
  /** Dictionary-encoded: the batch holds indices of `indexWidth` bytes into dictionary `dictionaryId`. */
  dictionary?: { id: number; indexWidth: number; signed: boolean; valueShape: IFieldShape };
}

const MAX_DEPTH = 32;

const FIXED_WIDTH: Partial<Record<Type, number>> = {
  [Type.Timestamp]: 8,
  [Type.Duration]: 8
};

function shapeOfType(field: Field, bb: CheckedBytes, path: string, depth: number): IFieldShape {
  const name = field.name() ?? '';
  const base: IFieldShape = {
    name,
    kind: 'fixed',
    width: 0,
    offsetWidth: 0,
    listSize: 0,
    children: []
  };
  const children = () => {
    const count = bb.vectorLength(field.childrenLength(), 4, 'child fields');
    return Array.from({ length: count }, (_, i) =>
      shapeOfField(field.children(i)!, bb, `${path}.${i}`, depth + 1)
    );
  };
  const type = field.typeType();
  switch (type) {
    case Type.Null:
      return { ...base, kind: 'null' };
    case Type.Bool:
      return { ...base, kind: 'bits' };
    case Type.Int: {
      const bits = (field.type(new Int()) as Int).bitWidth();
      if (![8, 16, 32, 64].includes(bits)) {
        throw new CorruptArrow(`column "${name}" declares ${bits}-bit integers`);
      }
      return { ...base, width: bits / 8 };
    }
    case Type.FloatingPoint: {
      const precision = (field.type(new FloatingPoint()) as FloatingPoint).precision();
      if (![0, 1, 2].includes(precision)) {
        throw new CorruptArrow(`column "${name}" declares an unknown float precision`);
      }
      return { ...base, width: [2, 4, 8][precision] };
    }
    case Type.Decimal: {
      const bits = (field.type(new Decimal()) as Decimal).bitWidth();
      if (![32, 64, 128, 256].includes(bits)) {
        throw new CorruptArrow(`column "${name}" declares ${bits}-bit decimals`);
      }
      return { ...base, width: bits / 8 };
    }
    case Type.Date:
      return { ...base, width: (field.type(new FbDate()) as FbDate).unit() === 0 ? 4 : 8 };
    case Type.Time: {
      const bits = (field.type(new Time()) as Time).bitWidth();
      if (bits !== 32 && bits !== 64) {
        throw new CorruptArrow(`column "${name}" declares ${bits}-bit times`);
      }
      return { ...base, width: bits / 8 };
    }
    case Type.Interval:
      return { ...base, width: [4, 8, 16][(field.type(new Interval()) as Interval).unit()] ?? 16 };
    case Type.FixedSizeBinary: {
      const width = (field.type(new FixedSizeBinary()) as FixedSizeBinary).byteWidth();
      if (!(width > 0)) {
        throw new CorruptArrow(`column "${name}" declares a byte width of ${width}`);
      }
      return { ...base, width };
    }
    case Type.Binary:
    case Type.Utf8:
      return { ...base, kind: 'binary', offsetWidth: 4, utf8: type === Type.Utf8 };
    case Type.LargeBinary:
    case Type.LargeUtf8:
      return { ...base, kind: 'binary', offsetWidth: 8, utf8: type === Type.LargeUtf8 };
    case Type.List:
    case Type.Map:
    case Type.LargeList: {
      const kids = children();
      if (kids.length !== 1) {
        throw new CorruptArrow(`list column "${name}" has ${kids.length} child fields`);
      }
      return {
        ...base,
        kind: 'list',
        offsetWidth: type === Type.LargeList ? 8 : 4,
        children: kids
      };
    }
    case Type.FixedSizeList: {
      const kids = children();
      const listSize = (field.type(new FixedSizeList()) as FixedSizeList).listSize();
      if (kids.length !== 1 || !(listSize >= 0)) {
        throw new CorruptArrow(`fixed-size list column "${name}" is malformed`);
      }
      return { ...base, kind: 'fixed-list', listSize, children: kids };
    }
    case Type.Struct_:
      return { ...base, kind: 'struct', children: children() };
    default: {
      const width = FIXED_WIDTH[type];
      if (width) {
        return { ...base, width };
      }
      const known = Type[type];
      throw new CorruptArrow(
        known
          ? `column "${name}" has type ${known}, which the analysis cannot read`
          : `column "${name}" has an unknown type id ${type}`
      );
    }
  }
}

function shapeOfField(field: Field, bb: CheckedBytes, path: string, depth: number): IFieldShape {
  if (depth > MAX_DEPTH) {
    throw new CorruptArrow(`its schema nests deeper than ${MAX_DEPTH} levels`);
  }
  const valueShape = shapeOfType(field, bb, path, depth);
  // Arrow JS decodes every field's children, nested type or not: their offsets must be in bounds too.
  bb.vectorLength(field.childrenLength(), 4, 'child fields');
  checkMetadata(field, bb);
  const encoding = field.dictionary();
  if (!encoding) {
    return valueShape;
  }
  const indexType = encoding.indexType();
  const bits = indexType ? indexType.bitWidth() : 32;
  if (![8, 16, 32, 64].includes(bits)) {
    throw new CorruptArrow(`column "${valueShape.name}" declares ${bits}-bit dictionary indices`);
  }
  return {
    ...valueShape,
    dictionary: {
      id: Number(encoding.id()),
      indexWidth: bits / 8,
      signed: indexType ? indexType.isSigned() : true,
      valueShape
    }
  };
}

interface IHasMetadata {
  customMetadataLength(): number;
  customMetadata(index: number): KeyValue | null;
}

/** Reads every custom metadata key and value (Arrow JS reads them all into a Map). */
export function checkMetadata(parent: IHasMetadata, bb: CheckedBytes): void {
  const count = bb.vectorLength(parent.customMetadataLength(), 4, 'metadata entries');
  for (let i = 0; i < count; i++) {
    const entry = parent.customMetadata(i);
    entry?.key();
    entry?.value();
  }
}

/** The checked shapes of a schema's fields, and of every dictionary by id. */
export function shapesOfSchema(
  schema: Schema,
  bb: CheckedBytes
): { fields: IFieldShape[]; dictionaries: Map<number, IFieldShape> } {
  checkMetadata(schema, bb);
  bb.vectorLength(schema.featuresLength(), 8, 'features');
  const count = bb.vectorLength(schema.fieldsLength(), 4, 'fields');
  const fields = Array.from({ length: count }, (_, i) =>
    shapeOfField(schema.fields(i)!, bb, `${i}`, 0)
  );
  const dictionaries = new Map<number, IFieldShape>();
  const collect = (shape: IFieldShape) => {
    if (shape.dictionary) {
      if (dictionaries.has(shape.dictionary.id)) {
        throw new CorruptArrow(`dictionary id ${shape.dictionary.id} is used by two columns`);
      }
      dictionaries.set(shape.dictionary.id, shape.dictionary.valueShape);
    }
    shape.children.forEach(collect);
  };
  fields.forEach(collect);
  return { fields, dictionaries };
}
