/**
 * Replica logs as written by the supervisor: one `<ISO time> <text>` per line. Pure helpers to parse, tail and
 * merge them in time order.
 */
import { appendFileSync } from 'node:fs';

/** Adds one line of our own to a replica's log, stamped like the replica's lines (for pip's progress). */
export function appendStamped(path: string, text: string): void {
  appendFileSync(path, `${new Date().toISOString()} ${text}\n`);
}

export interface IStampedLine {
  replica: string;
  time: string;
  text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/;

/** Complete lines of `text` (a trailing partial line is not returned: `rest` carries it to the next read). */
export function parseLines(
  replica: string,
  text: string,
  after = ''
): { lines: IStampedLine[]; rest: string } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  let time = after;
  const lines = parts.map(part => {
    const match = STAMP.exec(part);
    // An unstamped line (the wrapper itself failing) sorts with the line before it.
    time = match ? match[1] : time;
    return { replica, time, text: match ? match[2] : part };
  });
  return { lines, rest };
}

/** Merges per-replica line lists (each already in time order) into one, stable for equal times. */
export function mergeByTime(lists: IStampedLine[][]): IStampedLine[] {
  const all = lists.flatMap((lines, order) => lines.map((line, i) => ({ line, order, i })));
  all.sort((a, b) =>
    a.line.time < b.line.time ? -1 : a.line.time > b.line.time ? 1 : a.order - b.order || a.i - b.i
  );
  return all.map(entry => entry.line);
}

export function formatLines(lines: IStampedLine[], prefixed: boolean): string {
  return lines
    .map(line => (prefixed ? `[${line.replica}] ${line.text}\n` : `${line.text}\n`))
    .join('');
}
