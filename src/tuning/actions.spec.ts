import { study, SPEC, TRIALS } from './__tests__/fixtures';
import { bestTrainingSpec, budgetText, checkBudget, isActive } from './actions';

describe('train with best parameters', () => {
  it("puts the best trial's values where the trials got theirs", () => {
    const s = study({
      spec: {
        ...SPEC,
        trial: {
          ...SPEC.trial,
          args: ['--layers=${trialParameters.layers}'],
          env: { OPTIMIZER: '${trialParameters.opt}', KEEP: 'yes' },
          source: { filename: 'train.py', content: 'lr = ${trialParameters.lr}\n' }
        }
      }
    });
    const spec = bestTrainingSpec(s)!;
    expect(spec).toMatchObject({
      name: 'demo-best',
      framework: 'pytorch',
      command: ['python3', 'train.py', '--lr', '0.001'],
      args: ['--layers=3'],
      env: { OPTIMIZER: 'adam', KEEP: 'yes', LR: '0.001', LAYERS: '3', OPT: 'adam' },
      source: { filename: 'train.py', content: 'lr = 0.001\n' }
    });
    expect(spec.namespace).toBeUndefined();
    expect(JSON.stringify(spec)).not.toContain('trialParameters');
  });

  it('has nothing to offer before a trial succeeds', () => {
    expect(
      bestTrainingSpec(study({ best: undefined, trials: [TRIALS[2], TRIALS[3]] }))
    ).toBeUndefined();
  });
});

describe('budget edits', () => {
  const s = study();

  it('starts from the current budget and sends only what changed', () => {
    const text = budgetText(s);
    expect(text).toEqual({ maxTrialCount: '6', parallelTrialCount: '2', maxFailedTrialCount: '' });
    expect(checkBudget({ ...text, maxTrialCount: '20' }, s)).toEqual({
      budget: { maxTrialCount: 20 }
    });
    expect(checkBudget(text, s)).toEqual({ budget: {} });
  });

  it('refuses what Katib would, by field', () => {
    expect(
      checkBudget({ maxTrialCount: '3', parallelTrialCount: 'x', maxFailedTrialCount: '' }, s)
    ).toEqual({
      problems: {
        maxTrialCount: 'must be at least 6, the trials already created',
        parallelTrialCount: 'must be a whole number'
      }
    });
    expect(
      checkBudget({ maxTrialCount: '8', parallelTrialCount: '9', maxFailedTrialCount: '' }, s)
    ).toEqual({
      problems: { parallelTrialCount: 'must be at most the max trials (8)' }
    });
  });

  it('knows when a study can still be stopped', () => {
    expect(isActive(s)).toBe(true);
    expect(isActive(study({ phase: 'Succeeded' }))).toBe(false);
  });
});
