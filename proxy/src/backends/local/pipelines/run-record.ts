/**
 * A local run as stored on disk (`run.json`), and the pure transitions the runner applies to it. The process
 * plumbing (local-runs.ts) decides when; what a step's end means lives here so it can be tested without processes.
 */
import { RunPhase, StepPhase } from '../../../../../contract/pipeline';
import { IRuntimeArtifact } from './placeholders';

export interface IStepIo {
  parameters: Record<string, unknown>;
  artifacts: Record<string, IRuntimeArtifact>;
}

export interface IStepRecord {
  task: string;
  component: string;
  upstream: string[];
  phase: StepPhase;
  reason?: string;
  message?: string;
  exitCode?: number;
  /** Attempts started so far (retries add one each). */
  attempts: number;
  maxAttempts: number;
  pid?: number;
  started?: string;
  finished?: string;
  /** When a running attempt is killed for exceeding its timeout. */
  deadline?: string;
  /** When a failed attempt is retried. */
  retryAt?: string;
  taskRoot: string;
  image?: string;
  /** How the step ran here: "the image … was not used", the interpreter, the working directory. */
  note?: string;
  cacheKey?: string;
  /** The run (and task) whose outputs this cached or reused step took. */
  cachedFrom?: { run: string; task: string };
  rootCause?: string;
  /** Run even on a cache hit (the node a "run from here" / "run only this" starts at). */
  forceRun?: boolean;
  inputs: IStepIo;
  outputs: IStepIo;
}

export interface IRunRecord {
  version: 1;
  name: string;
  namespace: string;
  pipelineName: string;
  displayName?: string;
  created: string;
  started?: string;
  finished?: string;
  phase: RunPhase;
  reason?: string;
  message?: string;
  pipelinePath?: string;
  /** Node labels of the document, for display (the document itself is kept in spec.json). */
  labels?: { id: string; label?: string }[];
  parameters: Record<string, unknown>;
  cancelled: boolean;
  outputRoot: string;
  /** The interpreter `python`/`python3` mean in the steps' commands. */
  python: string;
  parallelism: number;
  rerunOf?: { run: string; fromTask?: string; onlyTask?: string };
  steps: IStepRecord[];
  /** Bumped on every change. */
  generation: number;
}

const now = () => new Date().toISOString();

export function stepOf(record: IRunRecord, task: string): IStepRecord {
  const step = record.steps.find(s => s.task === task);
  if (!step) {
    throw new Error(`run ${record.name} has no step ${task}`);
  }
  return step;
}

export function withStep(
  record: IRunRecord,
  task: string,
  change: Partial<IStepRecord>
): IRunRecord {
  return {
    ...record,
    steps: record.steps.map(s =>
      s.task === task
        ? (Object.fromEntries(
            Object.entries({ ...s, ...change }).filter(([, v]) => v !== undefined)
          ) as unknown as IStepRecord)
        : s
    )
  };
}

/** Clears the fields of a previous attempt when a step (re)starts. */
export function startedStep(
  pid: number | undefined,
  attempts: number,
  deadline?: string
): Partial<IStepRecord> {
  return {
    phase: 'Running',
    pid,
    attempts,
    started: now(),
    finished: undefined,
    reason: undefined,
    message: undefined,
    exitCode: undefined,
    retryAt: undefined,
    deadline
  };
}

/** What an ended attempt means: success, a retry (with its backoff), or the step's failure. */
export function endedStep(
  step: IStepRecord,
  end: {
    exitCode?: number;
    signal?: string;
    stopReason?: string;
    error?: { reason: string; message: string };
  },
  backoffSeconds: (attempt: number) => number
): Partial<IStepRecord> {
  const finished = now();
  if (end.stopReason === 'Cancelled') {
    return {
      phase: 'Cancelled',
      reason: 'Cancelled',
      message: 'the run was cancelled while this step ran',
      finished,
      pid: undefined,
      ...(end.exitCode !== undefined ? { exitCode: end.exitCode } : {})
    };
  }
  let failure: { reason: string; message: string } | undefined = end.error;
  if (!failure && end.stopReason === 'DeadlineExceeded') {
    failure = {
      reason: 'DeadlineExceeded',
      message: 'the step ran longer than its timeout and was stopped'
    };
  } else if (!failure && end.exitCode === undefined) {
    failure = {
      reason: 'Killed',
      message: `ended by ${end.signal ?? 'a signal'} without an exit code`
    };
  } else if (!failure && end.exitCode !== 0) {
    failure = {
      reason: `ExitCode ${end.exitCode}`,
      message: `the command exited with code ${end.exitCode}`
    };
  }
  if (!failure) {
    return { phase: 'Succeeded', exitCode: 0, finished, pid: undefined, deadline: undefined };
  }
  const exit = end.exitCode !== undefined ? { exitCode: end.exitCode } : {};
  if (step.attempts < step.maxAttempts) {
    const wait = backoffSeconds(step.attempts);
    return {
      phase: 'Pending',
      reason: 'RetryBackoff',
      message:
        `attempt ${step.attempts} of ${step.maxAttempts} failed (${failure.reason}: ${failure.message}); ` +
        `retrying in ${wait} s`,
      retryAt: new Date(Date.now() + wait * 1000).toISOString(),
      pid: undefined,
      deadline: undefined,
      ...exit
    };
  }
  const tries = step.maxAttempts > 1 ? ` (after ${step.attempts} attempts)` : '';
  return {
    phase: 'Failed',
    ...failure,
    message: failure.message + tries,
    finished,
    pid: undefined,
    deadline: undefined,
    ...exit
  };
}

/** The run-level fields that follow from its steps. */
export function withRunPhase(record: IRunRecord, phase: RunPhase): IRunRecord {
  if (phase === record.phase) {
    return record;
  }
  const finished = ['Succeeded', 'Failed', 'Cancelled'].includes(phase) ? { finished: now() } : {};
  const started = phase === 'Running' && !record.started ? { started: now() } : {};
  let message: string | undefined;
  if (phase === 'Failed') {
    const failed = record.steps.filter(s => s.phase === 'Failed');
    message = failed
      .map(s => `step ${s.task} failed: ${s.reason}${s.message ? ` (${s.message})` : ''}`)
      .join('; ');
  } else if (phase === 'Cancelled') {
    message = 'cancelled';
  } else if (phase === 'Succeeded') {
    message = `all ${record.steps.length} steps succeeded or were cached`;
  }
  const reason =
    phase === 'Failed' ? 'StepFailed' : phase === 'Cancelled' ? 'Cancelled' : undefined;
  return {
    ...record,
    ...started,
    ...finished,
    phase,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {})
  };
}

export function isRunFinished(record: IRunRecord): boolean {
  return ['Succeeded', 'Failed', 'Cancelled'].includes(record.phase);
}
