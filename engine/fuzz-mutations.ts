/** Seeded mutations of Arrow bytes and CSV text, shared by the engine's fuzz test and the proxy's. */

/** mulberry32: small, seedable, good enough to pick mutations. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], rand: () => number): T =>
  items[Math.floor(rand() * items.length)];

/** Values that break lengths and offsets when they land on one: 0, -1, 2^31-1, 2^32-1, 2^33, … */
const INT_EDGES = [0, -1, 1, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 255];
const LONG_EDGES = [0n, -1n, 2n ** 31n, 2n ** 33n, 2n ** 62n, -(2n ** 63n), 17179869384n];

/** 1–5 changes: byte flips, 32/64-bit edge values at aligned offsets, truncation, a cut or a repeated range. */
export function arrowMutation(valid: Uint8Array, rand: () => number): Uint8Array {
  let bytes = valid.slice();
  const changes = 1 + Math.floor(rand() * 5);
  for (let c = 0; c < changes; c++) {
    const at = Math.floor(rand() * bytes.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (pick(['byte', 'byte', 'int32', 'int64', 'truncate', 'cut', 'repeat'], rand)) {
      case 'byte':
        bytes[at] = pick([0, 0xff, 0x7f, 0x80, Math.floor(rand() * 256)], rand);
        break;
      case 'int32':
        if ((at & ~3) + 4 <= bytes.length) {
          view.setInt32(at & ~3, pick(INT_EDGES, rand), true);
        }
        break;
      case 'int64':
        if ((at & ~7) + 8 <= bytes.length) {
          view.setBigInt64(at & ~7, pick(LONG_EDGES, rand), true);
        }
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'cut': {
        const end = Math.min(bytes.length, at + 1 + Math.floor(rand() * 64));
        bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(end)]);
        break;
      }
      case 'repeat': {
        const end = Math.min(bytes.length, at + 1 + Math.floor(rand() * 64));
        bytes = new Uint8Array([...bytes.subarray(0, end), ...bytes.subarray(at)]);
        break;
      }
    }
  }
  return bytes;
}

/** A small valid CSV for the spec the fuzz tests use: label y, score p, text g and note, weight w. */
export const VALID_CSV = [
  'y,p,g,note,w',
  ...Array.from({ length: 80 }, (_, i) => {
    const y = i % 2;
    const p = Math.min(1, Math.max(0, 0.3 + 0.4 * y + (((i * 37) % 100) / 100 - 0.5) * 0.6));
    const note = i % 5 === 0 ? '' : `"row ${i}, ""quoted"""`;
    return `${y},${p},${['red', 'green', 'blue'][i % 3]},${note},${1 + (i % 3)}`;
  })
].join('\n');

const CSV_PIECES = [
  '"',
  '""',
  ',',
  '\n',
  '\r',
  '\r\n',
  '\u0000',
  '\ufeff',
  ' ',
  'x',
  'NaN',
  '-1',
  '2',
  '1e308',
  'true',
  '名前'
];
const HEADER_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'y', 'p', '', '"g"'];

/** 1–4 changes: a piece inserted or replacing a character, a line cut or repeated, a header renamed. */
export function csvMutation(valid: string, rand: () => number): string {
  let text = valid;
  const changes = 1 + Math.floor(rand() * 4);
  for (let c = 0; c < changes; c++) {
    const at = Math.floor(rand() * (text.length + 1));
    switch (pick(['insert', 'insert', 'replace', 'cut', 'line', 'header', 'truncate'], rand)) {
      case 'insert':
        text = text.slice(0, at) + pick(CSV_PIECES, rand) + text.slice(at);
        break;
      case 'replace':
        text = text.slice(0, at) + pick(CSV_PIECES, rand) + text.slice(at + 1);
        break;
      case 'cut':
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 20));
        break;
      case 'line': {
        const lines = text.split('\n');
        const i = Math.floor(rand() * lines.length);
        lines.splice(i, 0, lines[Math.floor(rand() * lines.length)]);
        text = lines.join('\n');
        break;
      }
      case 'header': {
        const lines = text.split('\n');
        const names = lines[0].split(',');
        names[Math.floor(rand() * names.length)] = pick(HEADER_NAMES, rand);
        lines[0] = names.join(',');
        text = lines.join('\n');
        break;
      }
      case 'truncate':
        text = text.slice(0, at);
        break;
    }
  }
  return text;
}
