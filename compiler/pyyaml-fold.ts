/**
 * Folds long plain and single-quoted scalars the way PyYAML's emitter does (so our YAML reads like a file kfp
 * wrote): at the first single space once the line is past 80 columns, continuing 2 columns deeper than the
 * line's key or dash. The yaml package folds before the limit instead, so it writes with folding off and this
 * pass folds. Literal blocks and double-quoted scalars are left alone.
 */
const BEST_WIDTH = 80;

/** `key: value`, `- value`, `- key: value` (keys in our IR are plain words). */
const LINE = /^( *(?:- )*)(?:([^\s'"#|>-][^:]*?|-[^\s:][^:]*?): )?(.*)$/;

function foldPlain(text: string, column: number, indent: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      let j = i;
      while (j < text.length && text[j] === ' ') {
        j++;
      }
      if (j - i === 1 && column > BEST_WIDTH && j < text.length) {
        out += `\n${indent}`;
        column = indent.length;
      } else {
        out += text.slice(i, j);
        column += j - i;
      }
      i = j;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ' ') {
        j++;
      }
      out += text.slice(i, j);
      column += j - i;
      i = j;
    }
  }
  return out;
}

function foldSingleQuoted(raw: string, column: number, indent: string): string {
  let out = "'";
  column += 1;
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === ' ') {
      let j = i;
      while (j < raw.length && raw[j] === ' ') {
        j++;
      }
      if (j - i === 1 && column > BEST_WIDTH && i !== 0 && j !== raw.length) {
        out += `\n${indent}`;
        column = indent.length;
      } else {
        out += raw.slice(i, j);
        column += j - i;
      }
      i = j;
    } else {
      let j = i;
      while (j < raw.length && raw[j] !== ' ') {
        j++;
      }
      const word = raw.slice(i, j).replace(/'/g, "''");
      out += word;
      column += word.length;
      i = j;
    }
  }
  return `${out}'`;
}

export function foldLikePyYaml(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let blockIndent = -1;
  for (const line of lines) {
    const indentation = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indentation > blockIndent) {
        out.push(line);
        continue;
      }
      blockIndent = -1;
    }
    const m = LINE.exec(line);
    const value = m?.[3] ?? '';
    if (!m || value === '') {
      out.push(line);
      continue;
    }
    if (/^[|>][-+0-9]*$/.test(value)) {
      blockIndent = indentation;
      out.push(line);
      continue;
    }
    const prefix = line.slice(0, line.length - value.length);
    // PyYAML continues a scalar 2 columns deeper than the key (or the dash) that holds it.
    const owner = m[2] !== undefined ? prefix.length - m[2].length - 2 : prefix.length - 2;
    const indent = ' '.repeat(owner + 2);
    if (value.startsWith("'") && value.endsWith("'") && value.length > 1) {
      const raw = value.slice(1, -1).replace(/''/g, "'");
      out.push(prefix + foldSingleQuoted(raw, prefix.length, indent));
    } else if (!/^["[{&*!%@`]/.test(value)) {
      out.push(prefix + foldPlain(value, prefix.length, indent));
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}
