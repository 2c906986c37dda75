/**
 * `logs()` of the local backend: the last N lines per replica, merged in time order with `[replica] ` prefixes
 * when no replica is named, and `follow` like `tail -f` (fs.watch on the log files, no polling) until the job
 * ends or the caller aborts. Tails are read from the end of the file (log-tail.ts) and every read is bounded,
 * so memory does not grow with the size of a log.
 */
import { watch as watchFile, FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { BackendError, ILogOptions } from '../types';
import { IJobRecord } from './job-record';
import { IStampedLine, formatLines, mergeByTime, parseLines } from './log-lines';
import { RecordStore } from './record-store';
import { MAX_TAIL_BYTES, tailStart } from './log-tail';

/** Default and cap of lines per replica, so a huge log cannot exhaust memory. */
const MAX_TAIL = 10_000;

export interface ILogSource {
  replica: string;
  path: string;
}

interface ICursor extends ILogSource {
  offset: number;
  rest: string;
  lastTime: string;
  /** Bytes to text across reads: a read may end inside a multi-byte character. */
  decoder: StringDecoder;
}

/** Most bytes one read takes from a log, so a log that grew by gigabytes between two reads is taken in steps. */
const MAX_READ = 4 * 1024 * 1024;
/** A line longer than this (no newline in sight) is passed on in pieces rather than held in memory. */
const MAX_LINE_CHARS = 1024 * 1024;

function newCursor(source: ILogSource): ICursor {
  return { ...source, offset: 0, rest: '', lastTime: '', decoder: new StringDecoder('utf8') };
}

/** Up to MAX_READ bytes from the cursor on; `more` when the file has more after them. */
async function readFrom(
  cursor: ICursor,
  tail?: number
): Promise<{ lines: IStampedLine[]; more: boolean }> {
  let handle;
  try {
    handle = await open(cursor.path, 'r');
  } catch {
    return { lines: [], more: false }; // not written yet
  }
  try {
    if (tail !== undefined) {
      cursor.offset = await tailStart(handle, (await handle.stat()).size, tail);
    }
    const buffer = Buffer.alloc(64 * 1024);
    let text = '';
    let taken = 0;
    let more = false;
    for (;;) {
      if (taken >= MAX_READ) {
        more = true;
        break;
      }
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, cursor.offset);
      if (bytesRead === 0) {
        break;
      }
      text += cursor.decoder.write(buffer.subarray(0, bytesRead));
      cursor.offset += bytesRead;
      taken += bytesRead;
    }
    const parsed = parseLines(cursor.replica, cursor.rest + text, cursor.lastTime);
    const lines = parsed.lines;
    cursor.rest = parsed.rest;
    if (cursor.rest.length > MAX_LINE_CHARS) {
      lines.push(...parseLines(cursor.replica, `${cursor.rest}\n`, cursor.lastTime).lines);
      cursor.rest = '';
    }
    cursor.lastTime = lines.length > 0 ? lines[lines.length - 1].time : cursor.lastTime;
    return { lines, more };
  } finally {
    await handle.close();
  }
}

/**
 * The last `tail` lines, read from the end: only the tail's bytes (at most MAX_TAIL_BYTES, taken in bounded
 * reads) whatever the size of the log; a log growing meanwhile is followed for a bounded number of reads.
 */
async function readTail(cursor: ICursor, tail: number): Promise<IStampedLine[]> {
  // Not `slice(-tail)`: with a tail of 0 that would keep every line.
  const last = (lines: IStampedLine[]) => lines.slice(Math.max(0, lines.length - tail));
  let read = await readFrom(cursor, tail);
  let lines = last(read.lines);
  for (let step = 0; read.more && step <= MAX_TAIL_BYTES / MAX_READ; step++) {
    read = await readFrom(cursor);
    lines = last([...lines, ...read.lines]);
  }
  return lines;
}

export interface IFollow {
  /** Resolves when the job has ended (after which the logs are read one last time). */
  ended: Promise<void>;
  signal?: AbortSignal;
}

export async function writeLogs(
  sources: ILogSource[],
  options: { tail: number; prefixed: boolean; follow?: IFollow },
  sink: (chunk: string) => void
): Promise<void> {
  const cursors = sources.map(newCursor);
  const follow = options.follow;
  const following = !!follow && !follow.signal?.aborted;
  // Reads are chained so two change notifications never read the same bytes twice; the watchers are set up
  // before the first read, so a line written while it runs is not missed (it is read by the next link).
  let reading = (async () => {
    const first = await Promise.all(cursors.map(cursor => readTail(cursor, options.tail)));
    const initial = mergeByTime(first);
    if (initial.length > 0) {
      sink(formatLines(initial, options.prefixed));
    }
  })();
  const readMore = () => {
    reading = reading.then(async () => {
      for (;;) {
        const reads = await Promise.all(cursors.map(cursor => readFrom(cursor)));
        const lines = mergeByTime(reads.map(read => read.lines));
        if (lines.length > 0) {
          sink(formatLines(lines, options.prefixed));
        }
        if (!reads.some(read => read.more) || follow?.signal?.aborted) {
          return;
        }
      }
    });
    return reading;
  };
  const watchers: FSWatcher[] = following
    ? cursors.map(cursor => watchFile(cursor.path, () => void readMore()))
    : [];
  if (!follow || !following) {
    await reading;
    return;
  }
  try {
    await new Promise<void>(resolve => {
      follow.signal?.addEventListener('abort', () => resolve(), { once: true });
      follow.ended.then(resolve, resolve);
    });
    if (!follow.signal?.aborted) {
      await readMore();
    }
    await reading;
  } finally {
    watchers.forEach(w => w.close());
  }
}

/** One replica's log, or all of them merged with `[replica] ` prefixes. */
export async function writeJobLogs(
  record: IJobRecord,
  store: RecordStore,
  options: Omit<ILogOptions, 'follow'> & { follow?: IFollow },
  sink: (chunk: string) => void
): Promise<void> {
  const { namespace, name } = record;
  const replicas = options.replica
    ? record.replicas.filter(r => r.name === options.replica)
    : record.replicas;
  if (replicas.length === 0) {
    throw new BackendError('not_found', `Job "${name}" has no replica "${options.replica}".`);
  }
  const sources = replicas.map(r => ({
    replica: r.name,
    path: store.logPath(namespace, name, r.name)
  }));
  const tail = Math.max(0, Math.min(options.tail ?? MAX_TAIL, MAX_TAIL));
  await writeLogs(sources, { tail, prefixed: !options.replica, follow: options.follow }, sink);
}
