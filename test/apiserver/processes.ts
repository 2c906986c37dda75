/** Child processes of the test cluster: own process groups, killed on stop and on any exit of the runner. */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set<ChildProcess>();

function running(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (running(child)) {
    try {
      process.kill(-child.pid!, signal); // the whole group: etcd and apiserver never fork, but be sure
    } catch {
      // already gone
    }
  }
}

/** Kills every process started here; used by the exit hooks and by globalTeardown as a last resort. */
export function killAll(): void {
  live.forEach(child => killGroup(child, 'SIGKILL'));
}

// A failed, interrupted or crashed test run must not leave an apiserver behind. 'exit' handlers must be
// synchronous, hence SIGKILL there. On a signal, exit with the shell's 128+n code so that every 'exit' handler
// (this one, and the temp-dir cleanup in cluster.ts) runs; re-raising the signal would skip them.
process.on('exit', killAll);
const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
  process.once(signal, () => process.exit(code));
}

/**
 * Starts a binary in its own process group (detached) so that a group kill reaches it, with stdout and
 * stderr appended to logFile. Unref'd: the runner's exit hook, not the event loop, decides when it dies.
 */
export function startProcess(
  binary: string,
  args: string[],
  logFile: string,
  env?: Record<string, string>
): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    ...(env ? { env: { ...process.env, ...env } } : {})
  });
  closeSync(fd);
  child.unref();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!running(child)) {
    return;
  }
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls check() until it answers true; fails early with the log tail if the process died meanwhile. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ChildProcess,
  logFile?: string
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && !running(child)) {
      throw new Error(
        `${what} exited (${child.exitCode ?? child.signalCode}) before it was ready${tail(logFile)}`
      );
    }
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms${tail(logFile)}`);
}

function tail(logFile?: string): string {
  if (!logFile) {
    return '';
  }
  try {
    return (
      `; last log lines of ${logFile}:\n` +
      readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n')
    );
  } catch {
    return '';
  }
}
