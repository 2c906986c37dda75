/**
 * A small streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF) that builds Arrow columns
 * directly: a column stays Float64 while every value parses as a number (empty → null; true/false → 1/0) and
 * switches to dictionary-encoded strings at its first non-number. Arrow JS has no CSV reader; this one keeps
 * memory to one typed array per column instead of a string per cell.
 */
import {
  Dictionary,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  Utf8,
  Vector,
  vectorFromArray
} from 'apache-arrow';

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

class CsvColumn {
  numbers: GrowableFloat64 | null = new GrowableFloat64();
  codes: GrowableFloat64 | null = null;
  dictionary = new Map<string, number>();
  constructor(readonly name: string) {}

  push(text: string): void {
    if (this.numbers) {
      const x = parseNumber(text);
      if (x !== undefined) {
        this.numbers.push(x);
        return;
      }
      this.switchToStrings();
    }
    this.codes!.push(text === '' ? -1 : this.codeOf(text));
  }

  private codeOf(text: string): number {
    let code = this.dictionary.get(text);
    if (code === undefined) {
      code = this.dictionary.size;
      this.dictionary.set(text, code);
    }
    return code;
  }

  private switchToStrings(): void {
    const numbers = this.numbers!;
    this.numbers = null;
    this.codes = new GrowableFloat64();
    for (let i = 0; i < numbers.length; i++) {
      const x = numbers.data[i];
      this.codes.push(x !== x ? -1 : this.codeOf(String(x)));
    }
  }

  toVector(): Vector {
    if (this.numbers) {
      return float64Vector(this.numbers.data.slice(0, this.numbers.length));
    }
    const codes = this.codes!;
    return dictionaryVector(Int32Array.from(codes.data.subarray(0, codes.length)), [
      ...this.dictionary.keys()
    ]);
  }
}

/** Arrow validity bitmap (bit set = value present); null when nothing is missing. */
function validity(
  length: number,
  present: (i: number) => boolean
): { bitmap: Uint8Array | null; nullCount: number } {
  const bitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (present(i)) {
      bitmap[i >> 3] |= 1 << (i & 7);
    } else {
      nullCount++;
    }
  }
  return { bitmap: nullCount > 0 ? bitmap : null, nullCount };
}

/** Float64 Arrow vector; NaN becomes null. */
export function float64Vector(values: Float64Array): Vector {
  const { bitmap, nullCount } = validity(values.length, i => values[i] === values[i]);
  return makeVector(
    makeData({
      type: new Float64(),
      length: values.length,
      nullCount,
      nullBitmap: bitmap,
      data: values
    })
  );
}

/** Dictionary-encoded strings from codes into `keys`; a negative code is null. */
export function dictionaryVector(codes: Int32Array, keys: string[]): Vector {
  const { bitmap, nullCount } = validity(codes.length, i => codes[i] >= 0);
  const type = new Dictionary(new Utf8(), new Int32());
  const data = codes.map(c => (c < 0 ? 0 : c));
  const dictionary = vectorFromArray(keys, new Utf8());
  return makeVector(
    makeData({
      type,
      length: codes.length,
      nullCount,
      nullBitmap: bitmap,
      data,
      dictionary
    })
  );
}

function parseNumber(text: string): number | undefined {
  if (text === '') {
    return NaN;
  }
  const lower = text.length <= 5 ? text.toLowerCase() : '';
  if (lower === 'true' || lower === 'false') {
    return lower === 'true' ? 1 : 0;
  }
  if (lower === 'nan' || lower === 'na' || lower === 'null') {
    return NaN;
  }
  const x = Number(text);
  return Number.isNaN(x) || text.trim() === '' ? undefined : x;
}

/** Feed text chunks with `push`, then `finish()` for the table. The first record is the header. */
export class CsvTableReader {
  private columns: CsvColumn[] | null = null;
  private record: string[] = [];
  private field = '';
  private quoted = false;
  private afterQuote = false;
  private line = 1;

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.quoted) {
        if (ch === 34 /* " */) {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          this.field += text[i];
        }
      } else if (ch === 34) {
        if (this.afterQuote) {
          this.field += '"'; // a doubled quote inside a quoted field
        }
        this.quoted = true;
        this.afterQuote = false;
      } else if (ch === 44 /* , */) {
        this.endField();
      } else if (ch === 10 /* \n */) {
        this.endRecord();
      } else if (ch !== 13 /* \r */) {
        this.field += text[i];
        this.afterQuote = false;
      }
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.afterQuote = false;
  }

  private endRecord(): void {
    this.endField();
    const record = this.record;
    this.record = [];
    if (record.length === 1 && record[0] === '') {
      this.line++;
      return; // blank line
    }
    if (!this.columns) {
      this.columns = record.map(name => new CsvColumn(name));
    } else if (record.length !== this.columns.length) {
      throw new Error(
        `CSV line ${this.line} has ${record.length} fields, the header has ${this.columns.length}`
      );
    } else {
      for (let c = 0; c < record.length; c++) {
        this.columns[c].push(record[c]);
      }
    }
    this.line++;
  }

  finish(): Table {
    if (this.field !== '' || this.record.length > 0) {
      this.endRecord();
    }
    if (!this.columns) {
      throw new Error('the CSV file is empty (no header)');
    }
    const vectors: Record<string, Vector> = {};
    for (const column of this.columns) {
      vectors[column.name] = column.toVector();
    }
    return new Table(vectors);
  }
}

export function readCsvText(text: string): Table {
  const reader = new CsvTableReader();
  reader.push(text);
  return reader.finish();
}
