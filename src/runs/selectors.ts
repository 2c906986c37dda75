/**
 * Pure read-outs of a run for its views: steps by task, durations, counts per phase, and the plain-words
 * answer to "why is this step stuck or failed?". No signals, no I/O.
 */
import { LOG_DETAILS_TAG, LOG_NOTE_TAG } from '../../contract/live';
import { IRun, IStep, StepPhase } from '../../contract/pipeline';

export function stepsByTask(run: IRun | undefined): Map<string, IStep> {
  return new Map((run?.steps ?? []).map(s => [s.task, s]));
}

/** `1.2 s`, `3 min 4 s`, `1 h 2 min`; a running step counts up to `now`; '' before it started. */
export function formatDuration(
  step: Pick<IStep, 'started' | 'finished'>,
  now: number = Date.now()
): string {
  if (!step.started) {
    return '';
  }
  const start = Date.parse(step.started);
  const end = step.finished ? Date.parse(step.finished) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return '';
  }
  const ms = Math.max(0, end - start);
  if (ms < 10_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const s = Math.round(ms / 1000);
  if (s < 3600) {
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const STEP_PHASES: StepPhase[] = [
  'Pending',
  'Running',
  'Succeeded',
  'Cached',
  'Failed',
  'Skipped',
  'Cancelled'
];

/** How many steps are in each phase, in a fixed order, leaving out phases with none: `2 Succeeded · 1 Running`. */
export function phaseCounts(run: IRun): { phase: StepPhase; count: number }[] {
  const counts = new Map<StepPhase, number>();
  for (const s of run.steps) {
    counts.set(s.phase, (counts.get(s.phase) ?? 0) + 1);
  }
  return STEP_PHASES.filter(p => counts.has(p)).map(p => ({ phase: p, count: counts.get(p)! }));
}

/** The steps that explain a run that is not going well: failed first, then the ones not progressing. */
export function troubledSteps(run: IRun): IStep[] {
  const failed = run.steps.filter(s => s.phase === 'Failed');
  const waiting = run.steps.filter(
    s => (s.phase === 'Pending' || s.phase === 'Running') && !!s.reason
  );
  return [...failed, ...waiting];
}

const REASONS: Record<string, string> = {
  UpstreamFailed: 'A step it depends on failed, so it was not started.',
  CacheHit: 'Its inputs and files were unchanged: the outputs of an earlier execution were reused.',
  ImagePullBackOff:
    'The cluster cannot pull the image: check its name, tag and registry credentials.',
  ErrImagePull: 'The cluster cannot pull the image: check its name, tag and registry credentials.',
  Unschedulable: 'No node has the CPU, memory or GPUs it asks for.',
  Timeout: 'It ran longer than its timeout and was stopped.',
  Cancelled: 'The run was cancelled before or while this step ran.',
  FileNotFound: 'A file the step needs is missing.',
  WaitingForUpstream: 'It waits for the steps before it to finish.'
};

/** What a step's reason means, in plain words ('' when the reason says it already). */
export function explainStepReason(reason: string | undefined): string {
  if (!reason) {
    return '';
  }
  if (/^ExitCode\s+\d+/i.test(reason)) {
    return 'The step\u2019s process ended with an error; the last log lines usually say why.';
  }
  return REASONS[reason] ?? '';
}

/** The last `count` non-empty lines of a log. */
export function lastLines(text: string, count = 15): string {
  // The workbench's own notes about the log (and their details) are not the step's output.
  const lines = text
    .split('\n')
    .filter(line => !line.startsWith(LOG_NOTE_TAG) && !line.startsWith(LOG_DETAILS_TAG));
  while (lines.length && !lines[lines.length - 1].trim()) {
    lines.pop();
  }
  return lines.slice(-count).join('\n');
}

/** Whether the run can still change (cancel is offered; the view keeps its clock ticking). */
export function isActive(run: Pick<IRun, 'phase'>): boolean {
  return run.phase === 'Pending' || run.phase === 'Running' || run.phase === 'Cancelling';
}
