/**
 * One replica = one process group: a small Python wrapper (the session leader) that runs the replica's
 * command, writes each output line to the log with a timestamp (so merged logs are in time order), and records
 * the exit code in a file. The wrapper does not write to us, so it outlives a proxy restart, and the exit file
 * tells a restarted proxy how a replica it could not wait() for has ended.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

const WRAPPER = String.raw`
import datetime, os, subprocess, sys
log_path, exit_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
out = open(log_path, 'ab', buffering=0)
def write(line):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ').encode()
    out.write(stamp + b' ' + line.rstrip(b'\n') + b'\n')
try:
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
except OSError as e:
    write(('[workbench] cannot start %s: %s' % (cmd[0], e.strerror)).encode())
    code = 127
else:
    for line in iter(child.stdout.readline, b''):
        write(line)
    code = child.wait()
    if code < 0:
        code = 128 - code
with open(exit_path + '.tmp', 'w') as f:
    f.write(str(code))
os.replace(exit_path + '.tmp', exit_path)
sys.exit(code)
`;

export interface IReplicaLaunch {
  python: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  exitPath: string;
}

export function startReplica(launch: IReplicaLaunch): ChildProcess {
  // The wrapper's own errors (a broken interpreter) go to the same log, unstamped.
  const errFd = openSync(launch.logPath, 'a');
  try {
    const child = spawn(
      launch.python,
      ['-c', WRAPPER, launch.logPath, launch.exitPath, ...launch.command],
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

/** Signals the replica's whole process group (the wrapper, the command and anything it started). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
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
