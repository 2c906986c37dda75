/**
 * Logs survive pod cleanup: every log line the proxy reads or follows is appended to
 * `<stateDir>/logs/<namespace>/<job>/<replica>.log` and served from there once the pod is gone.
 *
 * Lines are read from the apiserver with `timestamps=true` and stored with their timestamp, so repeated reads
 * of overlapping tails append only what is new (a line is new when its timestamp is later than the last
 * stored one, or equal but beyond the lines already stored with that timestamp).
 */
import { appendFile, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A log line as the apiserver sends it with `timestamps=true`: `2026-01-02T03:04:05.123456789Z text`. */
export interface IStampedLine {
  stamp: string;
  text: string;
}

/** Where appending resumes: the newest stored timestamp and how many stored lines carry it. */
interface ICursor {
  stamp: string;
  count: number;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /;
const TAIL_BYTES_FOR_CURSOR = 64 * 1024;
const READ_WINDOW_BYTES = 256 * 1024;

/** RFC3339Nano drops trailing zeros (`.12Z` vs `.123Z`), so pad the fraction before comparing as strings. */
export function stampKey(stamp: string): string {
  const match = STAMP.exec(`${stamp} `);
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}` : '';
}

export function parseStampedLines(text: string): IStampedLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines.map(line => {
    const match = STAMP.exec(line);
    return match
      ? {
          stamp: line.slice(0, match[0].length - 1),
          text: line.slice(match[0].length)
        }
      : { stamp: '', text: line };
  });
}

export function formatStampedLines(lines: IStampedLine[]): string {
  return lines.map(line => (line.stamp ? `${line.stamp} ${line.text}` : line.text) + '\n').join('');
}

function cursorOf(lines: IStampedLine[], previous?: ICursor): ICursor | undefined {
  let cursor = previous;
  for (const line of lines) {
    const key = stampKey(line.stamp);
    if (!key) {
      continue;
    }
    cursor =
      cursor && key === cursor.stamp
        ? { stamp: key, count: cursor.count + 1 }
        : { stamp: key, count: 1 };
  }
  return cursor;
}

/** The lines of `fresh` that are not yet stored, given the stored cursor. Pure. */
export function linesAfter(cursor: ICursor | undefined, fresh: IStampedLine[]): IStampedLine[] {
  if (!cursor) {
    return fresh;
  }
  let sameStampSeen = 0;
  return fresh.filter(line => {
    const key = stampKey(line.stamp);
    if (key > cursor.stamp) {
      return true;
    }
    if (key === cursor.stamp) {
      sameStampSeen += 1;
      return sameStampSeen > cursor.count;
    }
    return false;
  });
}

async function readTail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf-8');
    // Drop the first (probably cut) line unless we read from the start.
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

/** Replica names come from pod labels; keep them from naming anything outside the job's folder. */
const safeSegment = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');

export class LogStore {
  private readonly cursors = new Map<string, ICursor | undefined>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  private dir(namespace: string, job: string): string {
    return join(this.root, safeSegment(namespace), safeSegment(job));
  }

  private file(namespace: string, job: string, replica: string): string {
    return join(this.dir(namespace, job), `${safeSegment(replica)}.log`);
  }

  /** One write at a time per file, so concurrent reads of the same log never append a line twice. */
  private serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(file) ?? Promise.resolve()).then(work, work);
    this.queues.set(
      file,
      run.catch(() => undefined)
    );
    return run;
  }

  private async cursor(file: string): Promise<ICursor | undefined> {
    if (!this.cursors.has(file)) {
      const tail = await readTail(file, TAIL_BYTES_FOR_CURSOR).catch(() => '');
      this.cursors.set(file, cursorOf(parseStampedLines(tail)));
    }
    return this.cursors.get(file);
  }

  /** Appends the lines not stored yet and answers them (the ones a follower has not shown either). */
  append(
    namespace: string,
    job: string,
    replica: string,
    lines: IStampedLine[]
  ): Promise<IStampedLine[]> {
    const file = this.file(namespace, job, replica);
    return this.serialized(file, async () => {
      const fresh = linesAfter(
        await this.cursor(file),
        lines.filter(line => line.stamp)
      );
      if (fresh.length > 0) {
        await mkdir(this.dir(namespace, job), { recursive: true });
        await appendFile(file, formatStampedLines(fresh), { mode: 0o600 });
        this.cursors.set(file, cursorOf(fresh, this.cursors.get(file)));
      }
      return fresh;
    });
  }

  /** The last `tail` stored lines of a replica, or undefined when nothing was ever stored. */
  async read(
    namespace: string,
    job: string,
    replica: string,
    tail: number
  ): Promise<IStampedLine[] | undefined> {
    const file = this.file(namespace, job, replica);
    const size = await stat(file).then(
      info => info.size,
      () => undefined
    );
    if (size === undefined) {
      return undefined;
    }
    // Read a window from the end, widening it until it holds `tail` whole lines (a kept log can be large).
    for (let window = READ_WINDOW_BYTES; ; window *= 4) {
      const lines = parseStampedLines(await readTail(file, window));
      if (lines.length >= tail || window >= size) {
        return lines.slice(-tail);
      }
    }
  }

  /** The replicas with stored logs. */
  async replicas(namespace: string, job: string): Promise<string[]> {
    const names = await readdir(this.dir(namespace, job)).catch(() => [] as string[]);
    return names.filter(name => name.endsWith('.log')).map(name => name.slice(0, -'.log'.length));
  }

  /** Forgets a job's logs (deleted, or a new job of the same name must not show the old one's). */
  async remove(namespace: string, job: string): Promise<void> {
    const dir = this.dir(namespace, job);
    for (const key of [...this.cursors.keys()].filter(file => file.startsWith(dir + sep))) {
      this.cursors.delete(key);
    }
    await rm(dir, { recursive: true, force: true });
  }
}
