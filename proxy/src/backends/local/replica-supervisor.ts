/**
 * Watches replica processes end and stops them. Our own children report their exit; replicas re-attached
 * after a proxy restart are not our children (no wait() on them), so they alone are checked by a
 * low-frequency liveness timer, and their exit code is read from the file their supervisor (or wrapper) writes.
 *
 * Two ways to stop, by the starter: replicas (`startReplica`, the default) run under a supervisor that stops
 * its replica's whole process tree itself when sent SIGTERM, with the launch's grace period (see
 * supervisor-script.ts), so only the supervisor is signalled; other starters (pipeline steps) make one process
 * group, stopped here: SIGTERM to the group, SIGKILL after `stopGraceMs`.
 */
import { ChildProcess } from 'node:child_process';
import {
  IReplicaLaunch,
  isGroupAlive,
  isReplicaAlive,
  signalGroup,
  signalSupervisor,
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
    /** Process groups only: between SIGTERM and SIGKILL. */
    private readonly stopGraceMs: number,
    /** How a launch becomes processes (pipeline steps use a lighter wrapper than replicas). */
    private readonly starter: (launch: IReplicaLaunch) => ChildProcess = startReplica
  ) {}

  /** The supervisor stops the tree itself (and is the only member of its own process group). */
  private get supervised(): boolean {
    return this.starter === startReplica;
  }

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

  /** Starts stopping: SIGTERM to the supervisor (it does the rest), or to the group with a SIGKILL timer. */
  stop(pid: number): void {
    if (this.supervised) {
      signalSupervisor(pid, 'SIGTERM');
      return;
    }
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => signalGroup(pid, 'SIGKILL'), this.stopGraceMs).unref();
  }

  /**
   * Stops them and resolves once they are all gone (for delete). A supervisor ends by itself a moment after
   * `graceMs` (the job's grace period); one still there 5 s later is broken and is killed, which kills its
   * replica's main process with it (PR_SET_PDEATHSIG).
   */
  async stopAndWait(pids: number[], graceMs = this.stopGraceMs): Promise<void> {
    pids.forEach(pid => this.stop(pid));
    const margin = this.supervised ? 5000 : 0;
    const deadline = Date.now() + graceMs + margin;
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
