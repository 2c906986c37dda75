import { IStudyCreated, IStudySpec } from '../../contract/study';
import { validateStudySpec } from '../../contract/study-schema';
import { ProxyError } from '../api/errors';
import { SPEC } from './__tests__/fixtures';
import { StudyFormModel } from './form-model';
import { fromStudySpec, studyFieldOfPath, toStudySpec } from './study-values';

function model(options: Partial<ConstructorParameters<typeof StudyFormModel>[0]> = {}) {
  const created: IStudySpec[] = [];
  const m = new StudyFormModel({
    client: {
      createStudy: async (_ns, spec) => {
        created.push(spec);
        return {
          study: {},
          created: true,
          warnings: ['label missing']
        } as unknown as IStudyCreated;
      }
    },
    namespace: () => 'team-a',
    onCreated: () => undefined,
    ...options
  });
  return { m, created };
}

describe('StudyFormModel', () => {
  it('starts valid: a log-uniform lr, TPE, a one-process trial', () => {
    const { m } = model();
    expect(m.valid).toBe(true);
    expect(m.spec).toMatchObject({
      objective: { metricName: 'loss', type: 'minimize' },
      parameters: [{ name: 'lr', parameterType: 'double', distribution: 'logUniform' }],
      algorithm: { name: 'tpe' },
      trial: { framework: 'pytorch', replicas: { Master: { count: 1 } } }
    });
  });

  it('sends only the chosen algorithm settings, and keeps the others for a switch back', () => {
    const { m } = model();
    m.setSetting('gamma', '0.3');
    m.setAlgorithm('random');
    expect(m.spec.algorithm).toEqual({ name: 'random' });
    m.setAlgorithm('tpe');
    expect(m.spec.algorithm).toEqual({ name: 'tpe', settings: { gamma: '0.3' } });
  });

  it("shows the schema's and the cross-field rules' messages at the fields", () => {
    const { m } = model();
    m.setSetting('gamma', '1.5');
    expect(m.error('setting.gamma')).toBe(
      'must be a number strictly between 0 and 1, such as 0.25'
    );
    m.setSetting('gamma', '');
    m.setParameter(0, 'max', '0.00001');
    expect(m.error('param.0.max')).toBe('must be greater than min (0.0001)');
    m.setParameter(0, 'max', '0.1');
    m.setAlgorithm('hyperband');
    expect(m.error('setting.r_l')).toBe('is required');
    m.setAlgorithm('cmaes');
    expect(m.error('parameters')).toMatch(/at least 2 int or double parameters/);
    m.setAlgorithm('grid');
    expect(m.error('param.0.step')).toMatch(/grid needs a step for the double parameter "lr"/);
    m.setParameter(0, 'distribution', 'normal');
    expect(m.error('param.0.distribution')).toMatch(/silently drops/);
    expect(m.valid).toBe(false);
  });

  it('gives exactly the messages the shared validator gives the proxy', () => {
    const { m } = model();
    m.set('parallelTrialCount', '20');
    m.setTrial('command', 'python3 train.py --x ${trialParameters.momentum}');
    const proxy = validateStudySpec(m.spec);
    expect(proxy.ok).toBe(false);
    for (const f of (proxy as { fields: { path: string; message: string }[] }).fields) {
      expect(m.error(studyFieldOfPath(f.path))).toBe(f.message);
    }
    expect(m.error('trial.command')).toMatch(/no parameter "momentum"/);
    expect(m.error('parallelTrialCount')).toBe('must be at most maxTrialCount (12)');
  });

  it('tests a sample line against the format as you type', () => {
    const { m } = model();
    m.set('sampleLine', 'epoch 1 loss: 0.3');
    expect(m.sample()).toEqual({ state: 'read', points: [], missing: ['loss'] });
    expect(m.error('sampleLine')).toMatch(/print loss=<value>/);
    m.set('sampleLine', 'epoch 1 loss=0.3');
    expect(m.sample()).toEqual({
      state: 'read',
      points: [{ name: 'loss', value: 0.3 }],
      missing: []
    });
    expect(m.error('sampleLine')).toBeUndefined();
    m.setFormatMode('custom');
    m.set('format', '(\\w+');
    expect(m.sample()).toMatchObject({ state: 'bad-format' });
    m.set('format', '(\\w+):\\s*([\\d.]+)');
    m.set('sampleLine', 'loss: 0.25');
    expect(m.sample()).toMatchObject({ state: 'read', points: [{ name: 'loss', value: 0.25 }] });
    expect(m.spec.metricsCollector).toEqual({ kind: 'StdOut', format: '(\\w+):\\s*([\\d.]+)' });
  });

  it('starts the trial from a job and from the current file', async () => {
    const { m } = model({
      client: {
        createStudy: async () => ({}) as IStudyCreated,
        listJobs: async () => ({
          items: [
            {
              name: 'old',
              spec: {
                framework: 'tensorflow',
                replicas: { Worker: { count: 2 } },
                image: 'x:1',
                name: 'old'
              }
            } as never
          ]
        })
      },
      currentFile: async () => ({ filename: 'train.ipynb', content: 'print("loss=1")' })
    });
    await m.loadJobs();
    m.startFromJob('old');
    expect(m.spec.trial).toMatchObject({
      framework: 'tensorflow',
      replicas: { Worker: { count: 2 } },
      image: 'x:1'
    });
    expect(m.spec.trial.name).toBeUndefined();
    await m.useCurrentFile();
    expect(m.spec.trial.source).toEqual({ filename: 'train.py', content: 'print("loss=1")' });
  });

  it('creates with a generated name and maps server errors to fields', async () => {
    const { m, created } = model();
    await m.submit();
    expect(created[0].name).toMatch(/^study-[a-z0-9]{5}$/);
    expect(m.warnings).toEqual(['label missing']);
    const failing = model({
      client: {
        createStudy: async () => {
          throw new ProxyError('Invalid study', 400, 'invalid_spec', [
            { path: '/parameters/0/name', message: 'taken' },
            { path: '/somewhere', message: 'odd' }
          ]);
        }
      }
    }).m;
    await failing.submit();
    expect(failing.error('param.0.name')).toBe('taken');
    expect(failing.banner?.details).toEqual(['/somewhere: odd']);
  });
});

describe('study values', () => {
  it('round-trip a spec through the form', () => {
    const spec: IStudySpec = {
      ...SPEC,
      objective: {
        ...SPEC.objective,
        additionalMetricNames: ['accuracy'],
        metricStrategies: [{ name: 'accuracy', value: 'latest' }]
      },
      algorithm: { name: 'tpe', settings: { gamma: '0.3' } },
      earlyStopping: { name: 'medianstop', settings: { start_step: '2' } },
      maxFailedTrialCount: 2,
      metricsCollector: { kind: 'File', path: '/tmp/m.log' },
      seed: 7
    };
    expect(toStudySpec(fromStudySpec(spec))).toEqual(spec);
  });

  it('map JSON pointers to the fields that show them', () => {
    expect(
      [
        '/objective/goal',
        '/parameters/2/parameterType',
        '/parameters/1',
        '/algorithm/settings/eta',
        '/earlyStopping/settings/start_step',
        '/metricsCollector/format',
        '/sampleOutput',
        '/trial/replicas/Worker',
        '/trial/resources/cpu',
        '/trial/volumes/0',
        '/nonsense'
      ].map(studyFieldOfPath)
    ).toEqual([
      'goal',
      'param.2.type',
      'param.1.name',
      'setting.eta',
      'es.start_step',
      'format',
      'sampleLine',
      'trial.replicas.Worker',
      'trial.cpu',
      'trial.form',
      'form'
    ]);
  });
});
