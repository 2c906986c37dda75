/**
 * One attempt of a step → a process group (`startStep`: its own session, a log, an exit file). The command is the IR's, placeholders resolved; `python`/`python3` mean the user's Python
 * through a shim directory first on PATH (so they also work inside `sh -c` scripts, as kfp's Python-function
 * steps use them), and the image is not used: the step says so.
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  writeFileSync
} from 'node:fs';
import { createHash } from 'node:crypto';
import { delimiter, isAbsolute, join } from 'node:path';
import { IReplicaLaunch } from '../replica-process';
import { IPlannedStep } from './plan';
import { executorInput, resolveCommand } from './placeholders';
import { IStepIo } from './run-record';

export interface IStepLaunchContext {
  python: string;
  /** Working directory of every step: the Jupyter root, where relative paths in commands point. */
  workDir: string;
  shimRoot: string;
  logPath: string;
  exitPath: string;
}

/**
 * A step's process group: `sh` (the session leader, ~1 ms to start, where the replica wrapper costs a Python
 * start per step) runs the command with its output appended to the log, then records the exit code in the exit
 * file, so a restarted proxy learns how a step it could not wait() for ended. The log path is sh's `$0`, so it is
 * in the command line the liveness check looks for. Step logs need no per-line stamps: one log per step.
 */
const STEP_WRAPPER =
  '"$@"; code=$?; printf %s "$code" > "$KFWB_EXIT_FILE.tmp" && mv "$KFWB_EXIT_FILE.tmp" "$KFWB_EXIT_FILE"; exit $code';

export function startStep(launch: IReplicaLaunch): ChildProcess {
  const log = openSync(launch.logPath, 'a');
  try {
    const child = spawn('/bin/sh', ['-c', STEP_WRAPPER, launch.logPath, ...launch.command], {
      cwd: launch.cwd,
      env: { ...launch.env, KFWB_EXIT_FILE: launch.exitPath },
      detached: true,
      stdio: ['ignore', log, log]
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

export class StepLaunchError extends Error {
  constructor(
    readonly reason: string,
    message: string
  ) {
    super(message);
  }
}

/** A directory with `python` and `python3` scripts that exec the user's interpreter (a symlink would lose its venv). */
export function pythonShim(shimRoot: string, configured: string): string {
  // A bare name is looked up now: on PATH at run time it would find the shim itself.
  const python = configured.includes('/') ? configured : whichProgram(configured);
  if (!python) {
    throw new StepLaunchError(
      'CommandNotFound',
      `the Python for steps, "${configured}", is not on PATH; set KFWB_PYTHON to an interpreter`
    );
  }
  const dir = join(shimRoot, createHash('sha256').update(python).digest('hex').slice(0, 12));
  if (!existsSync(join(dir, 'python3'))) {
    mkdirSync(dir, { recursive: true });
    const script = `#!/bin/sh\nexec '${python.replace(/'/g, `'\\''`)}' "$@"\n`;
    for (const name of ['python', 'python3']) {
      writeFileSync(join(dir, name), script, { mode: 0o755 });
    }
  }
  return dir;
}

function whichProgram(command: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : path.split(delimiter).map(d => join(d, command));
  return candidates.find(c => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const onPath = (command: string, path: string) => whichProgram(command, path) !== undefined;

const SCRIPT_RUNNERS = /^(python3?|sh|bash|Rscript)$/;

/** Names what cannot run here before a process starts: an unknown program, a script file that is not there. */
function checkRunnable(
  argv: string[],
  path: string,
  workDir: string,
  image: string | undefined
): void {
  const imageWords = image ? ` (the image ${image} is not used by the local runner)` : '';
  if (!onPath(argv[0], path)) {
    throw new StepLaunchError(
      'CommandNotFound',
      `"${argv[0]}" is not a program on this machine${imageWords}`
    );
  }
  const script = argv[1];
  if (
    SCRIPT_RUNNERS.test(argv[0].split('/').pop() ?? '') &&
    script &&
    /\.(py|sh|ipynb|R)$/.test(script)
  ) {
    const full = isAbsolute(script) ? script : join(workDir, script);
    if (!existsSync(full)) {
      throw new StepLaunchError(
        'FileNotFound',
        `the file ${script} does not exist (looked for ${full})`
      );
    }
  }
}

export function prepareStepLaunch(
  step: IPlannedStep,
  taskRoot: string,
  inputs: IStepIo,
  ctx: IStepLaunchContext
): { launch: IReplicaLaunch; note: string } {
  mkdirSync(taskRoot, { recursive: true });
  const input = executorInput(step.componentSpec, taskRoot, inputs.parameters, inputs.artifacts);
  const argv = resolveCommand(
    [...(step.container.command ?? []), ...(step.container.args ?? [])],
    input
  );
  const shim = pythonShim(ctx.shimRoot, ctx.python);
  const path = [shim, process.env.PATH ?? ''].join(delimiter);
  checkRunnable(argv, path, ctx.workDir, step.container.image);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PATH: path,
    PYTHONUNBUFFERED: '1',
    // Where a step may write scratch files, like the pod's /tmp, kept with the run.
    KFWB_TASK_ROOT: taskRoot
  };
  for (const { name, value } of step.container.env ?? []) {
    env[name] = value ?? '';
  }
  const image = step.container.image ? `the image ${step.container.image} was not used; ` : '';
  return {
    launch: {
      python: ctx.python,
      command: argv,
      cwd: ctx.workDir,
      env,
      logPath: ctx.logPath,
      exitPath: ctx.exitPath
    },
    note: `ran as a process on this machine: ${image}python is ${ctx.python}; working directory ${ctx.workDir}`
  };
}
