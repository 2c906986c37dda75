/**
 * Watches replica processes end and stops them. Our own children report their exit; replicas re-attached
 * after a proxy restart are not our children (no wait() on them), so they alone are checked by a
 * low-frequency liveness timer, and their exit code is read from the file their supervisor writes.
 */
import { ChildProcess } from 'node:child_process';
import { IReplicaLaunch, isReplicaAlive, signalSupervisor, startReplica } from './replica-process';

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
    private readonly orphanPollMs: number
  ) {}

  start(ref: IReplicaRef, launch: IReplicaLaunch): ChildProcess {
    const child = startReplica(launch);
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

  /** Asks the replica's supervisor to stop it: SIGTERM to every process, its grace period, then SIGKILL. */
  stop(pid: number): void {
    signalSupervisor(pid, 'SIGTERM');
  }

  /**
   * Stops the replicas and resolves once their supervisors are gone (for delete). A supervisor exits by itself
   * at most a moment after its grace period; one still there 5 s later is broken and is killed.
   */
  async stopAndWait(
    replicas: { pid: number; logPath: string }[],
    graceSeconds: number
  ): Promise<void> {
    replicas.forEach(r => this.stop(r.pid));
    const alive = () => replicas.filter(r => isReplicaAlive(r.pid, r.logPath));
    const deadline = Date.now() + graceSeconds * 1000 + 5000;
    while (alive().length > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    alive().forEach(r => signalSupervisor(r.pid, 'SIGKILL'));
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
