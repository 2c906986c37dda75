/** The study schema and its cross-field rules: every rule with the exact field path a client shows. */
import { DEFAULT_METRIC_FORMAT, metricFormatProblem, MetricReader } from './metric-format';
import { IStudySpec } from './study';
import { gridSize, parameterEnvName, referencedParameters } from './study-rules';
import { generateStudyName, validateStudySpec } from './study-schema';

const VALID: IStudySpec = {
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

const GRID_PARAMS: IStudySpec['parameters'] = [
  { name: 'lr', parameterType: 'double', min: 0.01, max: 0.03, step: 0.01 },
  { name: 'layers', parameterType: 'int', min: 1, max: 2 }
];

describe('study spec: schema', () => {
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

  it('checks the trial with the training-job schema', () => {
    expect(
      fieldsOf(study({ trial: { framework: 'pytorch', replicas: { Chief: { count: 1 } } } }))
    ).toEqual([{ path: '/trial/replicas/Chief', message: 'must be one of: Master, Worker' }]);
  });

  it('refuses a name trials could not be named after', () => {
    expect(fieldsOf(study({ name: 'a'.repeat(40) }))).toEqual([
      {
        path: '/name',
        message:
          "must be lower-case letters, digits and '-', start with a letter, end with a letter or digit, at most 39 characters"
      }
    ]);
  });

  it('needs min and max for numbers and a list for categories, and nothing else', () => {
    expect(
      fieldsOf(study({ parameters: [{ name: 'lr', parameterType: 'double', min: 0 }] }))
    ).toEqual([{ path: '/parameters/0/max', message: 'is required' }]);
    expect(
      fieldsOf(
        study({ parameters: [{ name: 'opt', parameterType: 'categorical', list: ['a'], min: 1 }] })
      )
    ).toEqual([{ path: '/parameters/0/min', message: 'is only for int and double parameters' }]);
    expect(
      fieldsOf(study({ parameters: [{ name: 'n', parameterType: 'int', min: 0.5, max: 3 }] }))
    ).toEqual([{ path: '/parameters/0/min', message: 'must be a whole number' }]);
  });

  it('accepts only the settings an algorithm has, with their formats', () => {
    expect(fieldsOf(study({ algorithm: { name: 'tpe', settings: { eta: '3' } } }))).toEqual([
      {
        path: '/algorithm/settings/eta',
        message: 'must be one of: gamma, prior_weight, n_EI_candidates, random_state'
      }
    ]);
    expect(fieldsOf(study({ algorithm: { name: 'tpe', settings: { gamma: '1.5' } } }))).toEqual([
      {
        path: '/algorithm/settings/gamma',
        message: 'must be a number strictly between 0 and 1, such as 0.25'
      }
    ]);
    expect(fieldsOf(study({ algorithm: { name: 'hyperband' } }))).toEqual([
      { path: '/algorithm/settings', message: 'is required' }
    ]);
  });

  it('checks medianstop settings', () => {
    expect(
      fieldsOf(study({ earlyStopping: { name: 'medianstop', settings: { start_step: '0' } } }))
    ).toEqual([
      {
        path: '/earlyStopping/settings/start_step',
        message: 'must be a whole number of at least 1, such as 4'
      }
    ]);
  });
});

describe('study spec: cross-field rules (the backends’ own)', () => {
  it('grid: every double needs a step', () => {
    expect(
      fieldsOf(
        study({
          algorithm: { name: 'grid' },
          parameters: [{ name: 'lr', parameterType: 'double', min: 0, max: 1 }, GRID_PARAMS[1]]
        })
      )
    ).toEqual([
      { path: '/parameters/0/step', message: 'grid needs a step for the double parameter "lr"' }
    ]);
  });

  it('grid: the budget is at most the number of combinations', () => {
    expect(gridSize(GRID_PARAMS)).toBe(6);
    expect(
      fieldsOf(study({ algorithm: { name: 'grid' }, parameters: GRID_PARAMS, maxTrialCount: 7 }))
    ).toEqual([
      {
        path: '/maxTrialCount',
        message: 'maxTrialCount 7 is more than the 6 combinations of the grid'
      }
    ]);
    expect(
      fieldsOf(study({ algorithm: { name: 'grid' }, parameters: GRID_PARAMS, maxTrialCount: 6 }))
    ).toEqual([]);
  });

  it('hyperband: resource_name names a parameter and parallelism covers eta^s_max', () => {
    const epochs = { name: 'epochs', parameterType: 'int' as const, min: 1, max: 27 };
    const hb = (settings: Record<string, string>, parallelTrialCount: number) =>
      fieldsOf(
        study({
          algorithm: { name: 'hyperband', settings },
          parameters: [...VALID.parameters, epochs],
          parallelTrialCount,
          maxTrialCount: 40
        })
      );
    expect(hb({ r_l: '27', resource_name: 'epochs', eta: '3' }, 27)).toEqual([]);
    expect(hb({ r_l: '27', resource_name: 'epochs', eta: '3' }, 9)).toEqual([
      {
        path: '/parallelTrialCount',
        message: 'hyperband with r_l=27 and eta=3 needs parallelTrialCount ≥ 27 (eta^s_max), got 9'
      }
    ]);
    expect(hb({ r_l: '9', resource_name: 'steps' }, 9)).toEqual([
      {
        path: '/algorithm/settings/resource_name',
        message: 'resource_name "steps" must be one of the parameters (lr, layers, opt, epochs)'
      }
    ]);
    expect(hb({ r_l: '9', resource_name: 'opt' }, 9)).toEqual([
      {
        path: '/parameters/2/parameterType',
        message: 'the hyperband resource "opt" must be an int or double parameter'
      }
    ]);
  });

  it('cmaes: at least two numeric parameters', () => {
    expect(
      fieldsOf(
        study({
          algorithm: { name: 'cmaes' },
          parameters: [VALID.parameters[0], VALID.parameters[2]]
        })
      )
    ).toEqual([
      {
        path: '/parameters',
        message: 'cmaes needs at least 2 int or double parameters (this study has 1)'
      }
    ]);
  });

  it('refuses a distribution Katib 0.19 would drop silently, with the reason', () => {
    const normal = {
      name: 'lr',
      parameterType: 'double' as const,
      min: 0,
      max: 1,
      step: 0.5,
      distribution: 'normal' as const
    };
    expect(
      fieldsOf(study({ algorithm: { name: 'multivariate-tpe' }, parameters: [normal] }))
    ).toEqual([
      {
        path: '/parameters/0/distribution',
        message:
          "multivariate-tpe runs on Katib's Optuna service, which in Katib 0.19 silently drops a parameter with a normal distribution from the search; use uniform or logUniform"
      }
    ]);
    expect(
      fieldsOf(study({ algorithm: { name: 'grid' }, parameters: [normal], maxTrialCount: 3 }))[0]
    ).toEqual({
      path: '/parameters/0/distribution',
      message:
        'grid supports only the uniform and logUniform distributions (as Katib\'s Optuna service; Katib 0.19 silently drops normal); use random or hyperband for "lr"'
    });
    // hyperopt (Katib's random and tpe) honours normal.
    expect(fieldsOf(study({ algorithm: { name: 'random' }, parameters: [normal] }))).toEqual([]);
  });

  it('needs min < max, step within the range, a positive min on a log scale, no commas in categories', () => {
    expect(
      fieldsOf(
        study({
          parameters: [
            { name: 'a', parameterType: 'double', min: 1, max: 1 },
            { name: 'b', parameterType: 'double', min: 0, max: 1, step: 2 },
            { name: 'c', parameterType: 'double', min: 0, max: 1, distribution: 'logUniform' },
            { name: 'd', parameterType: 'categorical', list: ['x,y'] }
          ],
          trial: { ...VALID.trial, args: [] }
        })
      )
    ).toEqual([
      { path: '/parameters/0/max', message: 'must be greater than min (1)' },
      { path: '/parameters/1/step', message: 'must be at most max − min (1)' },
      {
        path: '/parameters/2/min',
        message: 'must be greater than 0 for a logUniform distribution'
      },
      { path: '/parameters/3/list', message: 'values must not contain a comma' }
    ]);
  });

  it('every ${trialParameters.X} names a parameter; parameters arrive as env vars that must not clash', () => {
    expect(
      fieldsOf(study({ trial: { ...VALID.trial, args: ['--x=${trialParameters.momentum}'] } }))
    ).toEqual([
      {
        path: '/trial/args/0',
        message:
          'uses ${trialParameters.momentum}, but there is no parameter "momentum" (there are: lr, layers, opt)'
      }
    ]);
    expect(
      fieldsOf(
        study({
          trial: {
            ...VALID.trial,
            source: { filename: 't.py', content: 'x = "${trialParameters.nope}"' }
          }
        })
      )[0].path
    ).toBe('/trial/source/content');
    expect(fieldsOf(study({ trial: { ...VALID.trial, env: { LR: '1' } } }))).toEqual([
      {
        path: '/trial/env/LR',
        message:
          'is set by the study to parameter "lr" (parameters/0); remove it or use ${trialParameters.lr}'
      }
    ]);
    expect(
      fieldsOf(
        study({
          parameters: [...VALID.parameters, { name: 'LR', parameterType: 'int', min: 1, max: 2 }]
        })
      )
    ).toEqual([
      {
        path: '/parameters/3/name',
        message: 'arrives in the same environment variable LR as "lr"; rename one'
      }
    ]);
    expect(parameterEnvName('num-layers')).toBe('NUM_LAYERS');
    expect([...referencedParameters(VALID)]).toEqual(['lr']);
  });

  it('budget: parallel and failed counts within maxTrialCount (Katib webhook rules)', () => {
    expect(fieldsOf(study({ maxTrialCount: 2, parallelTrialCount: undefined }))).toEqual([
      { path: '/parallelTrialCount', message: 'must be at most maxTrialCount (2)' }
    ]);
    expect(fieldsOf(study({ maxFailedTrialCount: 13 }))).toEqual([
      { path: '/maxFailedTrialCount', message: 'must be at most maxTrialCount (12)' }
    ]);
  });

  it('objective: additional metrics do not repeat it; strategies name known metrics', () => {
    expect(
      fieldsOf(
        study({
          objective: {
            metricName: 'accuracy',
            type: 'maximize',
            additionalMetricNames: ['loss', 'accuracy'],
            metricStrategies: [{ name: 'f1', value: 'latest' }]
          }
        })
      )
    ).toEqual([
      {
        path: '/objective/additionalMetricNames/1',
        message: 'must not repeat the objective metric'
      },
      {
        path: '/objective/metricStrategies/0/name',
        message: 'must be the objective or an additional metric (accuracy, loss, accuracy)'
      }
    ]);
  });

  it('metrics collection: File needs a path, StdOut none; the regex compiles with two side-by-side groups', () => {
    expect(fieldsOf(study({ metricsCollector: { kind: 'File' } }))).toEqual([
      {
        path: '/metricsCollector/path',
        message: 'is required for the File collector (e.g. /var/log/katib/metrics.log)'
      }
    ]);
    expect(fieldsOf(study({ metricsCollector: { kind: 'StdOut', path: '/x' } }))).toEqual([
      {
        path: '/metricsCollector/path',
        message: 'is only for the File collector; StdOut reads the output'
      }
    ]);
    expect(
      fieldsOf(study({ metricsCollector: { kind: 'StdOut', format: '(\\w+=' } }))[0].message
    ).toMatch(/^is not a valid regular expression/);
    expect(
      fieldsOf(study({ metricsCollector: { kind: 'StdOut', format: '(\\w+)=\\S+' } }))
    ).toEqual([
      {
        path: '/metricsCollector/format',
        message:
          'must have two groups, the metric name and its value, such as (\\w+)=(\\S+); it has 1'
      }
    ]);
    expect(
      fieldsOf(study({ metricsCollector: { kind: 'StdOut', format: '((\\w+)=(\\S+))' } }))[0]
        .message
    ).toBe(
      'its first two groups must be the metric name and the value, side by side (not one inside the other)'
    );
  });

  it('pre-flight: the pasted sample line must give the objective', () => {
    expect(fieldsOf(study({ sampleOutput: 'epoch 1: accuracy: 0.93' }))).toEqual([
      {
        path: '/sampleOutput',
        message:
          'gives no value for "accuracy" with the metric format, so every trial would end MetricsUnavailable: print accuracy=<value> (with \'=\'), not accuracy: <value>'
      }
    ]);
    expect(fieldsOf(study({ sampleOutput: 'epoch 1: accuracy=0.93' }))).toEqual([]);
  });

  it('generates valid study names', () => {
    expect(generateStudyName(() => 0.5)).toMatch(/^study-[a-z0-9]{5}$/);
  });
});

describe('metric reader (Katib StdOut rules)', () => {
  const reader = new MetricReader(['loss', 'accuracy', 'Score']);

  it("reads Katib's own examples", () => {
    expect(reader.read('loss=0.3')).toEqual([{ name: 'loss', value: 0.3 }]);
    expect(reader.read('accuracy=.98')).toEqual([{ name: 'accuracy', value: 0.98 }]);
    expect(reader.read('Score=-7.53e-05')).toEqual([{ name: 'Score', value: -7.53e-5 }]);
  });

  it('reads several metrics of one line, ignores names not asked for and empty values', () => {
    expect(reader.read('epoch 1: loss=0.3 accuracy = 0.9 lr=0.1 accuracy=')).toEqual([
      { name: 'loss', value: 0.3 },
      { name: 'accuracy', value: 0.9 }
    ]);
    expect(reader.read('nothing here')).toEqual([]);
  });

  it('takes an RFC 3339 timestamp before the first space as the time', () => {
    expect(reader.read('2026-11-30T05:00:00Z loss=1.5')).toEqual([
      { name: 'loss', value: 1.5, time: '2026-11-30T05:00:00Z' }
    ]);
  });

  it('reads a custom two-group format', () => {
    const colon = new MetricReader(['loss'], '(\\w+):\\s*([-+]?\\d*\\.?\\d+)');
    expect(colon.readText('loss: 0.5\nloss: 0.25\n')).toEqual([
      { name: 'loss', value: 0.5 },
      { name: 'loss', value: 0.25 }
    ]);
  });

  it('describes format problems', () => {
    expect(metricFormatProblem(DEFAULT_METRIC_FORMAT)).toBeUndefined();
    expect(metricFormatProblem('(?:a)(b)')).toMatch(/it has 1$/);
    expect(metricFormatProblem('(?<name>\\w+)=(?<value>\\S+)')).toBeUndefined();
  });
});
