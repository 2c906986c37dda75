/** The study schema and its cross-field rules: every rule with the exact field path a client shows. */
import { IStudySpec } from './study';
import { gridSize, parameterEnvName } from './study-rules';
import { validateStudySpec } from './study-schema';

export const VALID: IStudySpec = {
  name: 'mnist-tune',
  objective: { metricName: 'accuracy', type: 'maximize' },
  parameters: [
    { name: 'lr', parameterType: 'double', min: 1e-4, max: 0.1, distribution: 'logUniform' },
    { name: 'layers', parameterType: 'int', min: 1, max: 4 },
    { name: 'opt', parameterType: 'categorical', list: ['sgd', 'adam'] }
  ],
  algorithm: { name: 'tpe' },
  maxTrialCount: 12,
  parallelTrialCount: 2,
  trial: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 } },
    source: { filename: 'train.py', content: 'print("accuracy=0.9")' },
    args: ['--lr=${trialParameters.lr}']
  }
};

const study = (patch: Partial<IStudySpec>): IStudySpec => ({ ...VALID, ...patch });

function fieldsOf(value: unknown) {
  const result = validateStudySpec(value);
  return result.ok ? [] : result.fields;
}

describe('study spec', () => {
  it('accepts a full study and fills the defaults', () => {
    const result = validateStudySpec(VALID);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) {
      expect(result.value.metricsCollector).toEqual({ kind: 'StdOut' });
      expect(result.value.resumePolicy).toBe('Never');
      expect(result.value.trial.image).toBe('python:3.11-slim');
    }
  });

  it('reports missing fields at their paths', () => {
    expect(fieldsOf({})).toEqual(
      expect.arrayContaining([
        { path: '/objective', message: 'is required' },
        { path: '/parameters', message: 'is required' },
        { path: '/algorithm', message: 'is required' },
        { path: '/maxTrialCount', message: 'is required' },
        { path: '/trial', message: 'is required' }
      ])
    );
  });

  it('names env variables after parameters', () => {
    expect(parameterEnvName('num-layers')).toBe('NUM_LAYERS');
    expect(gridSize(VALID.parameters)).toBe(Infinity);
  });

  it('refuses a trial parameter that is not a parameter', () => {
    expect(
      fieldsOf(study({ trial: { ...VALID.trial, args: ['--x=${trialParameters.momentum}'] } }))
    ).toEqual([
      {
        path: '/trial/args/0',
        message:
          'uses ${trialParameters.momentum}, but there is no parameter "momentum" (there are: lr, layers, opt)'
      }
    ]);
  });
});
