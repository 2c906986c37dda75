/**
 * `packages` on this machine: a virtual environment layered on the user's Python (`venv
 * --system-site-packages`, so what is installed there stays importable) with the packages pip-installed into it,
 * one per requirement set and interpreter, kept under `<stateDir>/venvs/<key>` so the next job with the same
 * packages starts at once. A `.ready` file marks a complete environment; a directory without it (a crash or a
 * failed install) is rebuilt. Jobs of this proxy that want the same environment at the same time share one
 * build; it is abandoned (pip killed) only when every one of them was deleted.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface IPackageEnv {
  dir: string;
  /** The interpreter and scripts (`python`, `torchrun`, …) of the environment. */
  bin: string;
}

/** The executable `python` names: absolute as given, else the first match on PATH (like the shell). */
function resolveExecutable(python: string, env: NodeJS.ProcessEnv): string {
  const candidates = isAbsolute(python)
    ? [python]
    : (env.PATH ?? '').split(delimiter).map(dir => join(dir, python));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not this one
    }
  }
  return python; // the build will then fail with the interpreter's own error
}

/** The same packages in any order on the same interpreter share one environment. */
export function packageEnvFor(
  stateDir: string,
  python: string,
  packages: string[],
  env: NodeJS.ProcessEnv = process.env
): IPackageEnv {
  // pip reads names and versions case-insensitively and ignores the spaces.
  const requirements = [...new Set(packages.map(p => p.replace(/\s+/g, '').toLowerCase()))].sort();
  const key = createHash('sha256')
    .update(JSON.stringify([resolveExecutable(python, env), requirements]))
    .digest('hex')
    .slice(0, 16);
  const dir = join(stateDir, 'venvs', key);
  return { dir, bin: join(dir, 'bin') };
}

export function isReady(env: IPackageEnv): boolean {
  return existsSync(join(env.dir, '.ready'));
}

/** Environment variables that make `python`, `pip` and scripts resolve into the environment first. */
export function activated(
  target: IPackageEnv,
  base: Record<string, string>
): Record<string, string> {
  return {
    ...base,
    VIRTUAL_ENV: target.dir,
    PATH: [target.bin, base.PATH].filter(Boolean).join(delimiter)
  };
}

export class InstallError extends Error {}

/** Runs a command, handing each output line to `onLine`; rejects with the lines pip flags as errors. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void,
  signal: AbortSignal
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true // its own group, so an abandoned build is killed with whatever pip started
    });
    const lines: string[] = [];
    const take = (line: string) => {
      lines.push(line);
      onLine(line);
    };
    createInterface({ input: child.stdout }).on('line', take);
    createInterface({ input: child.stderr }).on('line', take);
    const abort = () => child.pid && process.kill(-child.pid, 'SIGKILL');
    signal.addEventListener('abort', abort, { once: true });
    child.once('error', error =>
      reject(new InstallError(`cannot start ${command}: ${error.message}`))
    );
    child.once('close', code => {
      signal.removeEventListener('abort', abort);
      if (code === 0) {
        resolve();
        return;
      }
      const flagged = lines.filter(l => /^(ERROR|error):|^\S*Error: /.test(l));
      const why = (flagged.length > 0 ? flagged : lines.slice(-5)).join('\n').trim();
      reject(new InstallError(why || `${command} exited with code ${code}`));
    });
  });
}

interface IBuild {
  done: Promise<void>;
  /** The progress callbacks of the jobs waiting for it. */
  listeners: Set<(line: string) => void>;
  abort: AbortController;
}

export class PackageEnvs {
  private readonly builds = new Map<string, IBuild>();

  /**
   * Builds the environment unless it is ready. `onLine` gets pip's progress; `release` (call it when the job
   * no longer needs the build) aborts the build once no job waits for it.
   */
  ensure(
    target: IPackageEnv,
    python: string,
    packages: string[],
    env: Record<string, string>,
    onLine: (line: string) => void
  ): { done: Promise<void>; release: () => void } {
    let build = this.builds.get(target.dir);
    if (!build || build.abort.signal.aborted) {
      // An abandoned build is let finish dying first (pip killed, nothing more written), then started anew.
      const before = build?.done.catch(() => undefined) ?? Promise.resolve();
      const abort = new AbortController();
      const listeners = new Set<(line: string) => void>();
      const tell = (line: string) => listeners.forEach(listener => listener(line));
      const done: Promise<void> = before
        .then(() => this.build(target, python, packages, env, tell, abort.signal))
        .finally(() => {
          if (this.builds.get(target.dir)?.done === done) {
            this.builds.delete(target.dir);
          }
        });
      build = { done, listeners, abort };
      this.builds.set(target.dir, build);
    }
    const mine = build;
    const listener = (line: string) => onLine(line);
    mine.listeners.add(listener);
    return {
      done: mine.done,
      release: () => {
        if (mine.listeners.delete(listener) && mine.listeners.size === 0) {
          mine.abort.abort();
        }
      }
    };
  }

  private async build(
    target: IPackageEnv,
    python: string,
    packages: string[],
    env: Record<string, string>,
    onLine: (line: string) => void,
    signal: AbortSignal
  ): Promise<void> {
    rmSync(target.dir, { recursive: true, force: true });
    await run(python, ['-m', 'venv', '--system-site-packages', target.dir], env, onLine, signal);
    const pip = [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--progress-bar',
      'off',
      ...packages
    ];
    await run(join(target.bin, 'python'), pip, activated(target, env), onLine, signal);
    writeFileSync(join(target.dir, '.ready'), JSON.stringify({ packages }) + '\n');
  }
}
