/**
 * The DAG scheduler as a pure function of the steps' states: which steps start now (ready, in topological
 * order, bounded by the parallelism setting), which are skipped because something upstream did not succeed (with
 * the step that failed named), and the run's phase. The process plumbing only decides *when* to ask.
 */
import { RunPhase, StepPhase } from '../../../../../contract/pipeline';

export type { RunPhase, StepPhase };

export interface ISchedStep {
  task: string;
  upstream: string[];
  phase: StepPhase;
  reason?: string;
  /** For a skipped step: the failed step its skip goes back to. */
  rootCause?: string;
}

export interface ISkip {
  task: string;
  reason: 'UpstreamFailed' | 'UpstreamCancelled';
  message: string;
  rootCause: string;
}

export interface IDecision {
  start: string[];
  skip: ISkip[];
}

const DONE_OK = new Set<StepPhase>(['Succeeded', 'Cached']);
const DONE_BAD = new Set<StepPhase>(['Failed', 'Skipped', 'Cancelled']);
const ACTIVE = new Set<StepPhase>(['Running']);

export const isStepFinished = (phase: StepPhase) => DONE_OK.has(phase) || DONE_BAD.has(phase);

/** `steps` must be in topological order (as `planRun` returns them). */
export function decide(steps: ISchedStep[], parallelism: number, cancelled = false): IDecision {
  const byTask = new Map(steps.map(s => [s.task, { ...s }]));
  const skip: ISkip[] = [];
  const start: string[] = [];
  let running = steps.filter(s => ACTIVE.has(s.phase)).length;
  for (const step of byTask.values()) {
    if (step.phase !== 'Pending') {
      continue;
    }
    const blocked = step.upstream
      .map(up => byTask.get(up))
      .find(up => up && DONE_BAD.has(up.phase));
    if (blocked) {
      const rootCause =
        blocked.phase === 'Skipped' ? (blocked.rootCause ?? blocked.task) : blocked.task;
      const cancelledUp = byTask.get(rootCause)?.phase === 'Cancelled';
      const via = rootCause === blocked.task ? '' : ` (through ${blocked.task})`;
      const entry: ISkip = {
        task: step.task,
        reason: cancelledUp ? 'UpstreamCancelled' : 'UpstreamFailed',
        message: `upstream step ${rootCause} ${cancelledUp ? 'was cancelled' : 'failed'}${via}`,
        rootCause
      };
      skip.push(entry);
      // Later steps in topological order see this skip in the same pass.
      Object.assign(step, { phase: 'Skipped', rootCause });
      continue;
    }
    if (cancelled) {
      continue;
    }
    const ready = step.upstream.every(up => DONE_OK.has(byTask.get(up)?.phase ?? 'Pending'));
    if (ready && running < parallelism) {
      start.push(step.task);
      running++;
    }
  }
  return { start, skip };
}

/** The run's phase: running while anything is left to do; then failed if any step failed, and so on. */
export function runPhaseOf(steps: ISchedStep[], cancelled = false): RunPhase {
  if (steps.some(s => s.phase === 'Running')) {
    return cancelled ? 'Cancelling' : 'Running';
  }
  if (steps.some(s => s.phase === 'Pending')) {
    return cancelled ? 'Cancelled' : steps.some(s => s.phase !== 'Pending') ? 'Running' : 'Pending';
  }
  if (steps.some(s => s.phase === 'Failed')) {
    return 'Failed';
  }
  if (cancelled || steps.some(s => s.phase === 'Cancelled')) {
    return 'Cancelled';
  }
  return 'Succeeded';
}

/** Every task downstream of `task` (not including it), in no particular order. */
export function downstreamOf(
  steps: { task: string; upstream: string[] }[],
  task: string
): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (!found.has(s.task) && s.upstream.some(up => up === task || found.has(up))) {
        found.add(s.task);
        grew = true;
      }
    }
  }
  return found;
}

/** Every task upstream of `task` (not including it). */
export function upstreamClosure(
  steps: { task: string; upstream: string[] }[],
  task: string
): Set<string> {
  const byTask = new Map(steps.map(s => [s.task, s]));
  const found = new Set<string>();
  const visit = (t: string) =>
    byTask.get(t)?.upstream.forEach(up => {
      if (!found.has(up)) {
        found.add(up);
        visit(up);
      }
    });
  visit(task);
  return found;
}
