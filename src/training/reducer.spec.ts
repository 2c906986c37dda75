import { IJob, JobStreamEvent } from '../../contract/training';
import { makeJob } from './__tests__/fakes';
import { applyJobEvent, JobMap, jobKey, visibleJobs } from './reducer';

const mapOf = (...jobs: IJob[]): JobMap => new Map(jobs.map(j => [jobKey(j), j]));
const names = (jobs: JobMap) =>
  [...jobs.values()].map(j => `${j.name}@${j.resourceVersion}`).sort();

describe('applyJobEvent', () => {
  const a = makeJob('a');
  const b = makeJob('b');
  const cases: [string, JobMap, JobStreamEvent, string[]][] = [
    ['snapshot replaces everything', mapOf(a), { type: 'snapshot', items: [b] }, ['b@1']],
    ['added inserts', mapOf(a), { type: 'added', job: b }, ['a@1', 'b@1']],
    [
      'modified replaces',
      mapOf(a, b),
      { type: 'modified', job: makeJob('a', { resourceVersion: '2' }) },
      ['a@2', 'b@1']
    ],
    ['modified of an unknown job inserts', mapOf(a), { type: 'modified', job: b }, ['a@1', 'b@1']],
    [
      'deleted removes',
      mapOf(a, b),
      { type: 'deleted', job: { name: 'a', namespace: 'team-a' } },
      ['b@1']
    ]
  ];
  it.each(cases)('%s', (_title, before, event, after) => {
    expect(names(applyJobEvent(before, event))).toEqual(after);
  });

  it('returns the same map when nothing changed', () => {
    const before = mapOf(a);
    expect(applyJobEvent(before, { type: 'modified', job: makeJob('a') })).toBe(before);
    expect(
      applyJobEvent(before, { type: 'deleted', job: { name: 'zz', namespace: 'team-a' } })
    ).toBe(before);
  });

  it('does not mutate its input', () => {
    const before = mapOf(a);
    applyJobEvent(before, { type: 'added', job: b });
    expect(names(before)).toEqual(['a@1']);
  });
});

describe('visibleJobs', () => {
  const jobs = mapOf(
    makeJob('old-torch', { created: '2026-01-01T00:00:00Z' }),
    makeJob('new-tf', {
      created: '2026-01-03T00:00:00Z',
      framework: 'tensorflow',
      phase: 'Failed'
    }),
    makeJob('mid-torch', { created: '2026-01-02T00:00:00Z', phase: 'Succeeded' })
  );
  const cases: [string, Parameters<typeof visibleJobs>[1], string[]][] = [
    ['no filter: newest first', undefined, ['new-tf', 'mid-torch', 'old-torch']],
    ['by status', { status: 'Failed', framework: '', text: '' }, ['new-tf']],
    ['by framework', { status: '', framework: 'pytorch', text: '' }, ['mid-torch', 'old-torch']],
    [
      'by text, case-insensitive',
      { status: '', framework: '', text: ' TORCH ' },
      ['mid-torch', 'old-torch']
    ],
    ['combined', { status: 'Running', framework: 'pytorch', text: 'old' }, ['old-torch']],
    ['nothing matches', { status: 'Suspended', framework: '', text: '' }, []]
  ];
  it.each(cases)('%s', (_title, filter, expected) => {
    expect(visibleJobs(jobs, filter).map(j => j.name)).toEqual(expected);
  });
});
