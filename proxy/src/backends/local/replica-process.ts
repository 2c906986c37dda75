/**
 * One replica = one supervisor process (see supervisor-script.ts) in its own session, running the replica's
 * command in another session below it. The supervisor writes each output line to the log with a timestamp (so
 * merged logs are in time order), stops the replica's whole process tree like a pod is stopped, and records the
 * exit code in a file. It does not write to us, so it outlives a proxy restart, and the exit file tells a
 * restarted proxy how a replica it could not wait() for has ended.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { SUPERVISOR_SCRIPT } from './supervisor-script';

export interface IReplicaLaunch {
  python: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  exitPath: string;
  /** Replicas: between the SIGTERM and the SIGKILL of a stop (`terminationGracePeriodSeconds`); default 30. */
  graceSeconds?: number;
}

export function startReplica(launch: IReplicaLaunch): ChildProcess {
  // The supervisor's own errors (a broken interpreter) go to the same log, unstamped.
  const errFd = openSync(launch.logPath, 'a');
  try {
    const child = spawn(
      launch.python,
      [
        '-c',
        SUPERVISOR_SCRIPT,
        launch.logPath,
        launch.exitPath,
        String(launch.graceSeconds ?? 30),
        ...launch.command
      ],
      {
        cwd: launch.cwd,
        env: launch.env,
        detached: true,
        stdio: ['ignore', 'ignore', errFd]
      }
    );
    child.unref();
    return child;
  } finally {
    closeSync(errFd);
  }
}

/**
 * Alive and still ours: the pid may have been reused after a reboot, so the command line must name our log
 * file. A zombie has an empty command line and counts as gone.
 */
export function isReplicaAlive(pid: number, logPath: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(logPath);
  } catch {
    if (process.platform === 'linux') {
      return false;
    }
    try {
      process.kill(pid, 0); // no /proc (macOS): liveness only
      return true;
    } catch {
      return false;
    }
  }
}

/** Signals a whole process group (pipeline steps; a replica's supervisor is alone in its group). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Signals the supervisor alone: on SIGTERM it stops the replica's processes itself (grace, then SIGKILL). */
export function signalSupervisor(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Whether any live member of the group is left. On Linux zombies do not count: a member whose parent died is
 * reaped by whatever adopted it, which may take its time (or never happen under a minimal init).
 */
export function isGroupAlive(pgid: number): boolean {
  if (process.platform !== 'linux') {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return livePidsOfGroup(pgid).length > 0;
}

export function livePidsOfGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces and parentheses): state ppid pgrp …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') {
        pids.push(Number(entry));
      }
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
