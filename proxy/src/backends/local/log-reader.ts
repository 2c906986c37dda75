/**
 * `logs()` of the local backend: the last N lines per replica, merged in time order with `[replica] ` prefixes
 * when no replica is named, and `follow` like `tail -f` (fs.watch on the log files, no polling) until the job
 * ends or the caller aborts.
 */
import { watch as watchFile, FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { BackendError, ILogOptions } from '../types';
import { IJobRecord } from './job-record';
import { IStampedLine, formatLines, mergeByTime, parseLines } from './log-lines';
import { RecordStore } from './record-store';

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
}

async function readFrom(cursor: ICursor): Promise<IStampedLine[]> {
  let handle;
  try {
    handle = await open(cursor.path, 'r');
  } catch {
    return []; // not written yet
  }
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, cursor.offset);
      if (bytesRead === 0) {
        break;
      }
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      cursor.offset += bytesRead;
    }
    const { lines, rest } = parseLines(
      cursor.replica,
      cursor.rest + Buffer.concat(chunks).toString('utf8'),
      cursor.lastTime
    );
    cursor.rest = rest;
    cursor.lastTime = lines.length > 0 ? lines[lines.length - 1].time : cursor.lastTime;
    return lines;
  } finally {
    await handle.close();
  }
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
  const cursors: ICursor[] = sources.map(source => ({
    ...source,
    offset: 0,
    rest: '',
    lastTime: ''
  }));
  const follow = options.follow;
  const following = !!follow && !follow.signal?.aborted;
  // Reads are chained so two change notifications never read the same bytes twice; the watchers are set up
  // before the first read, so a line written while it runs is not missed (it is read by the next link).
  let reading = (async () => {
    const first = await Promise.all(cursors.map(cursor => readFrom(cursor)));
    const initial = mergeByTime(first.map(lines => lines.slice(-options.tail)));
    if (initial.length > 0) {
      sink(formatLines(initial, options.prefixed));
    }
  })();
  const readMore = () => {
    reading = reading.then(async () => {
      const more = mergeByTime(await Promise.all(cursors.map(cursor => readFrom(cursor))));
      if (more.length > 0) {
        sink(formatLines(more, options.prefixed));
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
