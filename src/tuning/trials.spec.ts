import { study, trial, TRIALS } from './__tests__/fixtures';
import {
  bestTrial,
  countsSummary,
  formatParam,
  formatValue,
  isTroubledTrial,
  sortTrials,
  toggleSort,
  trialReason
} from './trials';

const names = (trials: { name: string }[]) => trials.map(t => t.name.slice(-1));

describe('sortTrials', () => {
  it('sorts by objective with trials that have none last, in both directions', () => {
    expect(names(sortTrials(TRIALS, { key: 'objective', ascending: true }))).toEqual([
      '3',
      '1',
      '4',
      '0',
      '2',
      '5'
    ]);
    expect(names(sortTrials(TRIALS, { key: 'objective', ascending: false }))).toEqual([
      '0',
      '4',
      '1',
      '3',
      '2',
      '5'
    ]);
  });

  it('compares numeric parameters as numbers and the rest as text', () => {
    const lr = sortTrials(TRIALS, { key: 'param:lr', ascending: true });
    expect(lr.map(t => t.params.lr)).toEqual(['0.0001', '0.001', '0.01', '0.02', '0.05', '0.1']);
    const opt = sortTrials(TRIALS, { key: 'param:opt', ascending: true });
    expect(opt.map(t => t.params.opt)).toEqual(['adam', 'adam', 'adam', 'sgd', 'sgd', 'sgd']);
    expect(names(opt)).toEqual(['1', '3', '4', '0', '2', '5']); // ties keep creation order
  });

  it('puts what needs attention first when sorting by state', () => {
    expect(sortTrials(TRIALS, { key: 'phase', ascending: true }).map(t => t.phase)).toEqual([
      'Running',
      'Running',
      'Failed',
      'EarlyStopped',
      'Succeeded',
      'Succeeded'
    ]);
  });

  it('flips on the same column and starts the objective at its best end', () => {
    expect(toggleSort({ key: 'index', ascending: true }, 'objective', 'minimize')).toEqual({
      key: 'objective',
      ascending: true
    });
    expect(toggleSort({ key: 'index', ascending: true }, 'objective', 'maximize')).toEqual({
      key: 'objective',
      ascending: false
    });
    expect(toggleSort({ key: 'objective', ascending: false }, 'objective', 'maximize')).toEqual({
      key: 'objective',
      ascending: true
    });
  });
});

describe('trial states', () => {
  it('gives the reason and message, and explains MetricsUnavailable', () => {
    expect(trialReason(TRIALS[5])).toBe(
      'Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.'
    );
    expect(trialReason(trial(0, { phase: 'MetricsUnavailable' }))).toMatch(/without printing/);
    expect(trialReason(TRIALS[0])).toBe('');
  });

  it('flags failed, metric-less and stuck trials only', () => {
    expect(TRIALS.map(isTroubledTrial)).toEqual([false, false, true, false, false, true]);
    expect(isTroubledTrial(trial(7, { phase: 'MetricsUnavailable' }))).toBe(true);
  });
});

describe('best trial and summaries', () => {
  it("prefers the study's own best, else the best final trial by direction", () => {
    expect(bestTrial(study())?.name).toBe('demo-001');
    expect(bestTrial(study({ best: undefined }))?.name).toBe('demo-001');
    const maximize = study({
      best: undefined,
      spec: { ...study().spec!, objective: { metricName: 'loss', type: 'maximize' } }
    });
    expect(bestTrial(maximize)?.name).toBe('demo-000');
    expect(bestTrial(study({ best: undefined, trials: [TRIALS[3]] }))).toBeUndefined();
  });

  it('formats values and counts for humans', () => {
    expect([
      formatValue(0.123456789),
      formatValue(1.5e-5),
      formatValue(undefined),
      formatValue(0)
    ]).toEqual(['0.123457', '1.500e-5', '', '0']);
    expect(['0.038676423273983775', '0.001', 'adam', '12'].map(formatParam)).toEqual([
      '0.0386764',
      '0.001',
      'adam',
      '12'
    ]);
    expect(countsSummary(study())).toBe(
      '6 trials: 2 Running, 2 Succeeded, 1 EarlyStopped, 1 Failed'
    );
  });
});
