import { checkEarlyStopping, shouldStop } from './index';
import { trial } from './test-helpers';

// Recorded accuracy curves (maximize) of four finished trials, one report per epoch.
const SUCCEEDED = [
  trial(0, {}, 'succeeded', 0.9, [0.5, 0.6, 0.7, 0.8, 0.85, 0.9]),
  trial(1, {}, 'succeeded', 0.88, [0.55, 0.65, 0.75, 0.8, 0.86, 0.88]),
  trial(2, {}, 'succeeded', 0.7, [0.1, 0.2, 0.3, 0.4, 0.6, 0.7]),
  trial(3, {}, 'succeeded', 0.91, [0.6, 0.7, 0.8, 0.85, 0.9, 0.91])
];
// Averages of the first 4 reports: 0.65, 0.6875, 0.25, 0.7375 → mean 0.58125 (the median would be 0.66875).
const KATIB = { name: 'medianstop', settings: { min_trials_required: '3', start_step: '4' } };

describe("medianstop: Katib's rule", () => {
  it('no decision before start_step reports', () => {
    const running = trial(9, {}, 'running', undefined, [0.1, 0.2, 0.3]);
    expect(shouldStop(KATIB, 'maximize', [...SUCCEEDED, running], running)).toEqual({
      stop: false
    });
  });

  it('stops when the best so far after start_step reports is below the MEAN of the first-start_step averages', () => {
    const running = trial(9, {}, 'running', undefined, [0.3, 0.5, 0.4, 0.45]);
    const decision = shouldStop(KATIB, 'maximize', [...SUCCEEDED, running], running);
    expect(decision.stop).toBe(true);
    expect(decision.reason).toContain('0.5');
    expect(decision.reason).toContain('0.58125');
  });

  it('uses the mean, not the median: a best of 0.6 is between them and is not stopped', () => {
    const running = trial(9, {}, 'running', undefined, [0.3, 0.6, 0.4, 0.45]);
    expect(shouldStop(KATIB, 'maximize', [...SUCCEEDED, running], running).stop).toBe(false);
  });

  it('compares the best value so far, not the latest', () => {
    const running = trial(9, {}, 'running', undefined, [0.7, 0.2, 0.1, 0.1, 0.1]);
    expect(shouldStop(KATIB, 'maximize', [...SUCCEEDED, running], running).stop).toBe(false);
  });

  it('needs min_trials_required succeeded trials (failed and running ones do not count)', () => {
    const running = trial(9, {}, 'running', undefined, [0.1, 0.1, 0.1, 0.1]);
    const history = [
      SUCCEEDED[0],
      SUCCEEDED[1],
      { ...SUCCEEDED[2], state: 'failed' as const },
      running
    ];
    expect(shouldStop(KATIB, 'maximize', history, running).stop).toBe(false);
    expect(
      shouldStop(
        { name: 'medianstop', settings: { min_trials_required: '2' } },
        'maximize',
        history,
        running
      ).stop
    ).toBe(true);
  });

  it('minimize: stops when the best (lowest) loss so far is above the rule value', () => {
    const losses = SUCCEEDED.map(t => ({
      ...t,
      curve: t.curve!.map(p => ({ ...p, value: 1 - p.value }))
    }));
    // Rule: 1 − 0.58125 = 0.41875.
    const bad = trial(9, {}, 'running', undefined, [0.9, 0.8, 0.7, 0.5]);
    const good = trial(10, {}, 'running', undefined, [0.9, 0.8, 0.7, 0.4]);
    expect(shouldStop(KATIB, 'minimize', [...losses, bad], bad).stop).toBe(true);
    expect(shouldStop(KATIB, 'minimize', [...losses, good], good).stop).toBe(false);
  });

  it('defaults: min_trials_required 3, start_step 4', () => {
    const running = trial(9, {}, 'running', undefined, [0.1, 0.1, 0.1]);
    expect(
      shouldStop({ name: 'medianstop' }, 'maximize', [...SUCCEEDED, running], running).stop
    ).toBe(false);
    running.curve!.push({ step: 4, value: 0.1 });
    expect(
      shouldStop({ name: 'medianstop' }, 'maximize', [...SUCCEEDED, running], running).stop
    ).toBe(true);
  });

  it('a finished trial is never stopped', () => {
    const done = trial(9, {}, 'succeeded', 0.1, [0.1, 0.1, 0.1, 0.1]);
    expect(shouldStop(KATIB, 'maximize', [...SUCCEEDED, done], done).stop).toBe(false);
  });
});

describe("optuna-median: Optuna's MedianPruner", () => {
  const FIVE = [...SUCCEEDED, trial(4, {}, 'succeeded', 0.8, [0.4, 0.5, 0.6, 0.7, 0.75, 0.8])];
  const rule = { name: 'optuna-median' };

  it('needs n_startup_trials (5) completed trials', () => {
    const running = trial(9, {}, 'running', undefined, [0.01]);
    expect(shouldStop(rule, 'maximize', [...SUCCEEDED, running], running).stop).toBe(false);
    expect(shouldStop(rule, 'maximize', [...FIVE, running], running).stop).toBe(true);
  });

  it('compares with the median of the values at the same step, from the first step on', () => {
    // Step 2 values: 0.6, 0.65, 0.2, 0.7, 0.5 → median 0.6.
    const below = trial(9, {}, 'running', undefined, [0.3, 0.55]);
    const above = trial(10, {}, 'running', undefined, [0.3, 0.62]);
    const decision = shouldStop(rule, 'maximize', [...FIVE, below], below);
    expect(decision.stop).toBe(true);
    expect(decision.reason).toContain('median');
    expect(shouldStop(rule, 'maximize', [...FIVE, above], above).stop).toBe(false);
  });

  it('disagrees with Katib on the same curve: step-wise median versus the mean of early averages', () => {
    // At step 4 the median of (0.8, 0.8, 0.4, 0.85, 0.7) is 0.8; Katib's rule value is 0.58125.
    const running = trial(9, {}, 'running', undefined, [0.5, 0.6, 0.65, 0.7]);
    expect(shouldStop(rule, 'maximize', [...FIVE, running], running).stop).toBe(true);
    expect(shouldStop(KATIB, 'maximize', [...FIVE, running], running).stop).toBe(false);
  });

  it('honours n_warmup_steps and interval_steps', () => {
    const running = trial(9, {}, 'running', undefined, [0.01, 0.01, 0.01]);
    const history = [...FIVE, running];
    expect(
      shouldStop(
        { name: 'optuna-median', settings: { n_warmup_steps: '4' } },
        'maximize',
        history,
        running
      ).stop
    ).toBe(false);
    // interval 2 from step 0: steps 2, 4, … are checked; the latest report (step 3) is not the first past 2.
    expect(
      shouldStop(
        { name: 'optuna-median', settings: { interval_steps: '2' } },
        'maximize',
        history,
        running
      ).stop
    ).toBe(false);
    running.curve!.push({ step: 4, value: 0.01 });
    expect(
      shouldStop(
        { name: 'optuna-median', settings: { interval_steps: '2' } },
        'maximize',
        history,
        running
      ).stop
    ).toBe(true);
  });

  it('minimize: the best (lowest) value against the median at that step', () => {
    const losses = FIVE.map(t => ({
      ...t,
      curve: t.curve!.map(p => ({ ...p, value: 1 - p.value }))
    }));
    const running = trial(9, {}, 'running', undefined, [0.9, 0.45]);
    expect(shouldStop(rule, 'minimize', [...losses, running], running).stop).toBe(true);
  });

  it('an unknown rule never stops', () => {
    const running = trial(9, {}, 'running', undefined, [0.01, 0.01, 0.01, 0.01]);
    expect(shouldStop({ name: 'none' }, 'maximize', [...FIVE, running], running)).toEqual({
      stop: false
    });
  });
});

describe('checkEarlyStopping', () => {
  it('accepts both rules with their settings', () => {
    expect(
      checkEarlyStopping({
        name: 'medianstop',
        settings: { min_trials_required: '3', start_step: '4' }
      })
    ).toEqual([]);
    expect(
      checkEarlyStopping({
        name: 'optuna-median',
        settings: { n_startup_trials: '0', interval_steps: '2' }
      })
    ).toEqual([]);
  });

  it('refuses an unknown rule with the list, unknown settings and out-of-range values', () => {
    expect(checkEarlyStopping({ name: 'hyperband' })).toEqual([
      {
        path: '/earlyStopping/name',
        message:
          'the local tuner has no early-stopping rule "hyperband"; it has medianstop, optuna-median'
      }
    ]);
    expect(
      checkEarlyStopping({
        name: 'medianstop',
        settings: { min_trials_required: '0', start_step: 'x', foo: '1' }
      })
    ).toEqual([
      {
        path: '/earlyStopping/settings/min_trials_required',
        message: 'min_trials_required must be an integer ≥ 1, got "0"'
      },
      {
        path: '/earlyStopping/settings/start_step',
        message: 'start_step must be an integer ≥ 1, got "x"'
      },
      {
        path: '/earlyStopping/settings/foo',
        message: 'medianstop has no setting "foo"; its settings are min_trials_required, start_step'
      }
    ]);
  });
});
