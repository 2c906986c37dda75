import { makeJob } from './__tests__/fakes';
import { IJobFilter, JOB_FILTERING, NO_FILTER } from './reducer';

describe('JOB_FILTERING', () => {
  const jobs = [
    makeJob('old-torch'),
    makeJob('new-tf', { framework: 'tensorflow', phase: 'Failed' }),
    makeJob('mid-torch', { phase: 'Succeeded' })
  ];
  const cases: [string, IJobFilter, string[]][] = [
    ['no filter', NO_FILTER, ['old-torch', 'new-tf', 'mid-torch']],
    ['by status', { status: 'Failed', framework: '', text: '' }, ['new-tf']],
    ['by framework', { status: '', framework: 'pytorch', text: '' }, ['old-torch', 'mid-torch']],
    [
      'by text, case-insensitive',
      { status: '', framework: '', text: ' TORCH ' },
      ['old-torch', 'mid-torch']
    ],
    ['combined', { status: 'Running', framework: 'pytorch', text: 'old' }, ['old-torch']],
    ['nothing matches', { status: 'Suspended', framework: '', text: '' }, []]
  ];
  it.each(cases)('%s', (_title, filter, expected) => {
    expect(jobs.filter(j => JOB_FILTERING.keep(j, filter)).map(j => j.name)).toEqual(expected);
  });
});
