/**
 * One supervisor per local state dir. Two proxies on the same dir (the browser's and a kernel's standalone one)
 * would both re-attach, stop and settle the same replicas and runs. The lock is a file created with O_EXCL that
 * names its holder (pid and, on Linux, the process start time, so a reused pid is not taken for the holder);
 * a lock whose holder is gone is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError } from '../types';

const LOCK_FILE = 'proxy.lock';
/** A lock file still empty this long after creation is from a holder that died while writing it. */
const EMPTY_LOCK_GRACE_MS = 5000;

interface IHolder {
  pid: number;
  /** Start time of the process in clock ticks since boot (`/proc/<pid>/stat` field 22), when known. */
  startTicks?: string;
}

/** A conflict (409) when a running proxy is asked to switch to the local backend ("retry connection"). */
export class StateDirLockedError extends BackendError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'StateDirLockedError';
  }
}

function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function holderAlive(holder: IHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = startTicks(holder.pid);
  return !holder.startTicks || !now || now === holder.startTicks;
}

function readHolder(path: string): IHolder | 'empty' | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') {
      return Date.now() - statSync(path).mtimeMs < EMPTY_LOCK_GRACE_MS ? 'empty' : undefined;
    }
    const holder = JSON.parse(text) as IHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined; // gone meanwhile, or garbage: not a live holder
  }
}

export interface IStateLock {
  release(): void;
}

/** Takes the state dir's lock or throws StateDirLockedError naming the proxy that holds it. */
export function lockStateDir(stateDir: string): IStateLock {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const me: IHolder = { pid: process.pid, startTicks: startTicks(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
      const holder = readHolder(path);
      if (holder !== undefined && (holder === 'empty' || holderAlive(holder))) {
        if (holder !== 'empty' && holder.pid === process.pid) {
          return { release: () => undefined }; // this process already holds it (a backend re-selected)
        }
        const who = holder === 'empty' ? 'another proxy' : `pid ${holder.pid}`;
        // Short and in this order: launchers show only the first 300 characters of a proxy's last line.
        throw new StateDirLockedError(
          `Another Kubeflow Workbench proxy (${who}) already runs the local backend on ${stateDir}: ` +
            'use that proxy, stop it, or set another KFWB_STATE_DIR.'
        );
      }
      rmSync(path, { force: true }); // its holder is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    const release = () => {
      const holder = readHolder(path);
      if (holder !== undefined && holder !== 'empty' && holder.pid === process.pid) {
        rmSync(path, { force: true });
      }
      process.removeListener('exit', release);
    };
    process.on('exit', release);
    return { release };
  }
  throw new StateDirLockedError(`Could not take the lock of the local state dir ${stateDir}.`);
}
