/**
 * Watches replica processes end and stops them. Our own children report their exit; replicas re-attached
 * after a proxy restart are not our children (no wait() on them), so they alone are checked by a
 * low-frequency liveness timer, and their exit code is read from the file their wrapper writes.
 */
import { ChildProcess } from 'node:child_process';
import {
  IReplicaLaunch,
  isGroupAlive,
  isReplicaAlive,
  signalGroup,
  startReplica
} from './replica-process';

export interface IReplicaRef {
  key: string;
  replica: string;
}

interface IOrphan extends IReplicaRef {
  pid: number;
  logPath: string;
}

/** `startError`: the wrapper itself could not be started (no such interpreter); no exit follows then. */
export type EndHandler = (ref: IReplicaRef, how: { signal?: string; startError?: string }) => void;

export class ReplicaSupervisor {
  private readonly orphans = new Map<string, IOrphan>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly onEnd: EndHandler,
    private readonly orphanPollMs: number,
    private readonly stopGraceMs: number,
    /** How a launch becomes a process group (pipeline steps use a lighter wrapper than replicas). */
    private readonly starter: (launch: IReplicaLaunch) => ChildProcess = startReplica
  ) {}

  start(ref: IReplicaRef, launch: IReplicaLaunch): ChildProcess {
    const child = this.starter(launch);
    child.once('error', error => {
      if (!this.closed && child.pid === undefined) {
        this.onEnd(ref, {
          startError: `cannot start ${launch.python}: ${error.message}`
        });
      }
    });
    child.once('exit', (_code, signal) => {
      if (!this.closed) {
        this.onEnd(ref, { signal: signal ?? undefined });
      }
    });
    return child;
  }

  adopt(ref: IReplicaRef, pid: number, logPath: string): void {
    this.orphans.set(`${ref.key}/${ref.replica}`, { ...ref, pid, logPath });
    if (!this.timer) {
      this.timer = setInterval(() => this.checkOrphans(), this.orphanPollMs);
      this.timer.unref();
    }
  }

  private checkOrphans(): void {
    for (const [id, orphan] of this.orphans) {
      if (!isReplicaAlive(orphan.pid, orphan.logPath)) {
        this.orphans.delete(id);
        this.onEnd(orphan, {});
      }
    }
    if (this.orphans.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** SIGTERM to the group, SIGKILL to what is left after the grace period. */
  stop(pid: number): void {
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => signalGroup(pid, 'SIGKILL'), this.stopGraceMs).unref();
  }

  /** Stops the groups and resolves once they are all gone (bounded wait, for delete). */
  async stopAndWait(pids: number[]): Promise<void> {
    pids.forEach(pid => signalGroup(pid, 'SIGTERM'));
    const deadline = Date.now() + this.stopGraceMs;
    while (pids.some(isGroupAlive) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    pids.filter(isGroupAlive).forEach(pid => signalGroup(pid, 'SIGKILL'));
    while (pids.some(isGroupAlive) && Date.now() < deadline + 2000) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }

  forget(key: string): void {
    for (const [id, orphan] of this.orphans) {
      if (orphan.key === key) {
        this.orphans.delete(id);
      }
    }
  }

  /** Stops listening; the processes keep running for the next proxy to re-attach. */
  close(): void {
    this.closed = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.orphans.clear();
  }
}
