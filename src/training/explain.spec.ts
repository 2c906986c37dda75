import { makeJob } from './__tests__/fakes';
import { explainReason, formatAge, isTroubled, replicaSummary } from './explain';

describe('explainReason', () => {
  it.each([
    ['Unschedulable', /No node can take this replica/],
    ['ImagePullBackOff', /image cannot be pulled/],
    ['ErrImagePull', /image cannot be pulled/],
    ['CrashLoopBackOff', /keeps crashing/],
    ['OOMKilled', /more memory than its limit/],
    ['ExitCode 1', /non-zero exit code/],
    ['InstallFailed', /packages could not be installed/],
    ['Stopped', /stopped because the job ended/]
  ])('%s', (reason, explanation) => expect(explainReason(reason)).toMatch(explanation));

  it('says nothing about unknown or missing reasons', () => {
    expect(explainReason('SomethingNew')).toBeUndefined();
    expect(explainReason(undefined)).toBeUndefined();
  });
});

describe('isTroubled', () => {
  const replica = { name: 'worker-0', role: 'Worker', index: 0 };
  it.each([
    [{ ...replica, phase: 'Pending' as const, reason: 'Unschedulable' }, true],
    [{ ...replica, phase: 'Failed' as const }, true],
    [{ ...replica, phase: 'Running' as const }, false],
    [{ ...replica, phase: 'Pending' as const, reason: 'ContainerCreating' }, false]
  ])('%j → %s', (r, expected) => expect(isTroubled(r)).toBe(expected));
});

describe('replicaSummary / formatAge', () => {
  it('counts replicas by phase', () => {
    const job = makeJob('a', {
      replicas: [
        { name: 'master-0', role: 'Master', index: 0, phase: 'Running' },
        { name: 'worker-0', role: 'Worker', index: 0, phase: 'Running' },
        { name: 'worker-1', role: 'Worker', index: 1, phase: 'Pending' }
      ]
    });
    expect(replicaSummary(job)).toBe('3 replicas: 2 Running, 1 Pending');
    expect(replicaSummary(makeJob('b'))).toBe('no replicas yet');
  });

  it.each([
    [5, '5s'],
    [125, '2m'],
    [3 * 3600 + 5, '3h'],
    [2 * 86400, '2d']
  ])('%ss ago → %s', (seconds, text) => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    expect(formatAge(new Date(now - seconds * 1000).toISOString(), now)).toBe(text);
  });
});
