import { IRun, IStep } from '../../contract/pipeline';
import { applyResourceEvent } from '../live/reducer';
import { RUN_FILTERING } from './model';
import { runProgress } from './RunList';
import {
  explainStepReason,
  formatDuration,
  isActive,
  lastLines,
  phaseCounts,
  stepsByTask,
  troubledSteps
} from './selectors';

const step = (task: string, phase: IStep['phase'], extra: Partial<IStep> = {}): IStep => ({
  task,
  label: task,
  phase,
  outputs: { parameters: {}, artifacts: [] },
  ...extra
});

const run = (name: string, steps: IStep[], extra: Partial<IRun> = {}): IRun => ({
  name,
  namespace: 'default',
  created: '2026-11-30T05:00:00Z',
  version: name + steps.map(s => s.phase).join(),
  phase: 'Running',
  backend: 'local',
  pipelineName: 'demo',
  displayName: 'Demo pipeline',
  parameters: {},
  steps,
  ...extra
});

describe('run view selectors', () => {
  it('formats durations of finished and running steps', () => {
    const started = '2026-11-30T05:00:00Z';
    expect(formatDuration({ started, finished: '2026-11-30T05:00:01.250Z' })).toBe('1.3 s');
    expect(formatDuration({ started, finished: '2026-11-30T05:00:42Z' })).toBe('42 s');
    expect(formatDuration({ started, finished: '2026-11-30T05:03:04Z' })).toBe('3 min 4 s');
    expect(formatDuration({ started, finished: '2026-11-30T06:02:00Z' })).toBe('1 h 2 min');
    expect(formatDuration({ started }, Date.parse('2026-11-30T05:00:05Z'))).toBe('5.0 s');
    expect(formatDuration({})).toBe('');
  });

  it('counts steps per phase in a fixed order and finds the troubled ones', () => {
    const r = run('r1', [
      step('a', 'Succeeded'),
      step('b', 'Failed', { reason: 'ExitCode 2', exitCode: 2 }),
      step('c', 'Skipped', { reason: 'UpstreamFailed' }),
      step('d', 'Running', { reason: 'ImagePullBackOff' }),
      step('e', 'Cached')
    ]);
    expect(phaseCounts(r)).toEqual([
      { phase: 'Running', count: 1 },
      { phase: 'Succeeded', count: 1 },
      { phase: 'Cached', count: 1 },
      { phase: 'Failed', count: 1 },
      { phase: 'Skipped', count: 1 }
    ]);
    expect(troubledSteps(r).map(s => s.task)).toEqual(['b', 'd']);
    expect([...stepsByTask(r).keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(runProgress(r)).toBe('b failed');
    expect(
      runProgress(run('r2', [step('a', 'Succeeded'), step('b', 'Cached'), step('c', 'Running')]))
    ).toBe('2/3 steps');
  });

  it('explains reasons in words and keeps the last log lines', () => {
    expect(explainStepReason('ExitCode 1')).toMatch(/ended with an error/);
    expect(explainStepReason('UpstreamFailed')).toMatch(/depends on failed/);
    expect(explainStepReason('SomethingNew')).toBe('');
    expect(lastLines('1\n2\n3\n4\n\n', 2)).toBe('3\n4');
    // The workbench's notes about the log are not the step's output.
    expect(
      lastLines(
        '[workbench] The log of train cannot be read: its container has not started yet.\n' +
          '[workbench:details] container "main" in pod "p" is waiting to start\n'
      )
    ).toBe('');
    expect(lastLines("[workbench] The step's pod is gone; this is the log KFP kept.\nboom\n")).toBe(
      'boom'
    );
    expect(isActive({ phase: 'Cancelling' })).toBe(true);
    expect(isActive({ phase: 'Failed' })).toBe(false);
  });
});

describe('the run list', () => {
  it('filters by phase and by run or pipeline name', () => {
    const r = run('nightly-abc12', [], { phase: 'Failed' });
    expect(RUN_FILTERING.keep(r, RUN_FILTERING.empty)).toBe(true);
    const f = (change: Partial<typeof RUN_FILTERING.empty>) => ({
      ...RUN_FILTERING.empty,
      ...change
    });
    expect(RUN_FILTERING.keep(r, f({ phase: 'Failed' }))).toBe(true);
    expect(RUN_FILTERING.keep(r, f({ phase: 'Running' }))).toBe(false);
    expect(RUN_FILTERING.keep(r, f({ text: 'DEMO' }))).toBe(true);
    expect(RUN_FILTERING.keep(r, f({ text: 'abc' }))).toBe(true);
    expect(RUN_FILTERING.keep(r, f({ text: 'zzz' }))).toBe(false);
  });

  it('filters by KFP experiment: only KFP runs of it; no experiment chosen keeps local runs too', () => {
    const local = run('local-1', []);
    const nightly = run('kfp-1', [], {
      backend: 'kfp',
      kfp: { runId: 'kfp-1', experiment: 'nightly' }
    });
    const other = run('kfp-2', [], {
      backend: 'kfp',
      kfp: { runId: 'kfp-2', experiment: 'Default' }
    });
    const keep = (experiment: string) =>
      [local, nightly, other]
        .filter(r => RUN_FILTERING.keep(r, { ...RUN_FILTERING.empty, experiment }))
        .map(r => r.name);
    expect(keep('')).toEqual(['local-1', 'kfp-1', 'kfp-2']);
    expect(keep('nightly')).toEqual(['kfp-1']);
    expect(keep('Default')).toEqual(['kfp-2']);
  });

  it('takes a step change of a run as a change (the version covers steps), and an equal version as none', () => {
    const first = run('r', [step('a', 'Running')]);
    const map = applyResourceEvent(new Map(), { type: 'snapshot', items: [first] });
    const same = applyResourceEvent(map, { type: 'modified', object: { ...first } });
    expect(same).toBe(map);
    const next = applyResourceEvent(map, {
      type: 'modified',
      object: run('r', [step('a', 'Succeeded')])
    });
    expect(next).not.toBe(map);
    expect(next.get('default/r')!.steps[0].phase).toBe('Succeeded');
  });
});
