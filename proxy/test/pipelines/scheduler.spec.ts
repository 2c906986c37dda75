/** The DAG scheduler as a pure function: order, the parallelism bound, failure propagation, run phases. */
import {
  decide,
  downstreamOf,
  ISchedStep,
  runPhaseOf,
  StepPhase,
  upstreamClosure
} from '../../src/backends/local/pipelines/scheduler';

// a → b, a → c, b → d, c → d; e independent.
const shape: Record<string, string[]> = { a: [], e: [], b: ['a'], c: ['a'], d: ['b', 'c'] };
function steps(phases: Partial<Record<string, StepPhase>> = {}): ISchedStep[] {
  return Object.entries(shape).map(([task, upstream]) => ({
    task,
    upstream,
    phase: phases[task] ?? 'Pending'
  }));
}

describe('decide', () => {
  it('starts only the steps whose upstream is done, within the parallelism bound', () => {
    expect(decide(steps(), 2)).toEqual({ start: ['a', 'e'], skip: [] });
    expect(decide(steps(), 1)).toEqual({ start: ['a'], skip: [] });
    expect(decide(steps({ a: 'Running', e: 'Running' }), 2).start).toEqual([]);
    expect(decide(steps({ a: 'Succeeded', e: 'Running' }), 2).start).toEqual(['b']);
    expect(decide(steps({ a: 'Succeeded', e: 'Running' }), 3).start).toEqual(['b', 'c']);
  });

  it('treats a cached step like a succeeded one', () => {
    expect(
      decide(steps({ a: 'Cached', e: 'Cached', b: 'Cached', c: 'Succeeded' }), 2).start
    ).toEqual(['d']);
  });

  it('skips every dependant of a failed step and names the step that failed', () => {
    const { start, skip } = decide(steps({ a: 'Succeeded', e: 'Succeeded', b: 'Failed' }), 2);
    expect(start).toEqual(['c']);
    expect(skip).toEqual([
      { task: 'd', reason: 'UpstreamFailed', message: 'upstream step b failed', rootCause: 'b' }
    ]);
  });

  it('names the original failure through a chain of skipped steps', () => {
    const { skip } = decide(steps({ e: 'Succeeded', a: 'Failed' }), 2);
    expect(skip.map(s => [s.task, s.message])).toEqual([
      ['b', 'upstream step a failed'],
      ['c', 'upstream step a failed'],
      ['d', 'upstream step a failed (through b)']
    ]);
  });

  it('after a cancel starts nothing and skips dependants of cancelled steps as cancelled', () => {
    const { start, skip } = decide(steps({ a: 'Cancelled' }), 2, true);
    expect(start).toEqual([]);
    expect(skip.map(s => s.reason)).toEqual([
      'UpstreamCancelled',
      'UpstreamCancelled',
      'UpstreamCancelled'
    ]);
  });
});

describe('runPhaseOf', () => {
  it.each<[Partial<Record<string, StepPhase>>, boolean, string]>([
    [{}, false, 'Pending'],
    [{ a: 'Running' }, false, 'Running'],
    [{ a: 'Succeeded' }, false, 'Running'],
    [
      { a: 'Succeeded', e: 'Cached', b: 'Succeeded', c: 'Succeeded', d: 'Succeeded' },
      false,
      'Succeeded'
    ],
    [
      { a: 'Succeeded', e: 'Failed', b: 'Succeeded', c: 'Succeeded', d: 'Succeeded' },
      false,
      'Failed'
    ],
    [{ a: 'Failed', e: 'Succeeded', b: 'Skipped', c: 'Skipped', d: 'Skipped' }, false, 'Failed'],
    [
      { a: 'Cancelled', e: 'Cancelled', b: 'Skipped', c: 'Skipped', d: 'Skipped' },
      true,
      'Cancelled'
    ],
    [{ a: 'Running' }, true, 'Cancelling']
  ])('%j (cancelled %s) → %s', (phases, cancelled, expected) => {
    expect(runPhaseOf(steps(phases), cancelled)).toBe(expected);
  });
});

describe('graph closures', () => {
  it('finds what is downstream and upstream of a task', () => {
    expect([...downstreamOf(steps(), 'b')].sort()).toEqual(['d']);
    expect([...downstreamOf(steps(), 'a')].sort()).toEqual(['b', 'c', 'd']);
    expect([...upstreamClosure(steps(), 'd')].sort()).toEqual(['a', 'b', 'c']);
    expect([...upstreamClosure(steps(), 'e')]).toEqual([]);
  });
});
