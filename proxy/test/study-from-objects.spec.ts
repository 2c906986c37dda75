/** Experiment + Trials + pods → IStudy, case by case (Katib v1beta1 status shapes, kubeflow-api.md §2.4). */
import {
  IExperimentLike,
  ITrialLike,
  STOPPED_ANNOTATION,
  studyFromObjects,
  trialFromObjects
} from '../src/backends/kubernetes/studies/study-from-objects';

const experiment = (extra: Partial<IExperimentLike> = {}): IExperimentLike => ({
  metadata: {
    name: 'e',
    namespace: 'ns',
    resourceVersion: '5',
    creationTimestamp: '2026-11-30T05:00:00Z'
  },
  spec: {
    objective: { type: 'minimize', objectiveMetricName: 'loss' },
    trialTemplate: { primaryContainerName: 'pytorch' }
  },
  ...extra
});

const cond = (type: string, reason = `${type}Reason`, message = `${type} message`) => ({
  type,
  status: 'True',
  reason,
  message
});

const trial = (
  name: string,
  conditions: object[],
  metrics?: object[],
  created = '2026-11-30T05:00:01Z'
): ITrialLike => ({
  metadata: { name, resourceVersion: name, creationTimestamp: created },
  spec: { parameterAssignments: [{ name: 'lr', value: '0.1' }] },
  status: { conditions, ...(metrics ? { observation: { metrics } } : {}) }
});

describe('trialFromObjects', () => {
  const CASES: [object[], string][] = [
    [[cond('Created')], 'Pending'],
    [[cond('Created'), cond('Running')], 'Running'],
    [[cond('Created'), cond('Running'), cond('Succeeded')], 'Succeeded'],
    [[cond('Running'), cond('EarlyStopped')], 'EarlyStopped'],
    [[cond('Running'), cond('MetricsUnavailable')], 'MetricsUnavailable'],
    [[cond('Running'), cond('Failed')], 'Failed'],
    [[cond('Running'), cond('Killed')], 'Killed'],
    [[{ type: 'Running', status: 'False' }], 'Pending']
  ];
  const label = (conditions: object[]) =>
    conditions
      .map(c => `${(c as { type: string }).type}=${(c as { status: string }).status}`)
      .join(', ');
  it.each(CASES.map(([conditions, phase]) => [label(conditions), phase, conditions] as const))(
    'conditions %s read as %s',
    (_label, phase, conditions) => {
      expect(trialFromObjects(trial('t', [...conditions]), 0, experiment(), []).phase).toBe(phase);
    }
  );

  it('uses the metric strategy: min for minimize by default, or the one the objective names', () => {
    const metrics = [{ name: 'loss', min: '0.1', max: '0.9', latest: '0.2' }];
    expect(
      trialFromObjects(trial('t', [cond('Succeeded')], metrics), 0, experiment(), []).objective
    ).toBe(0.1);
    const latest = experiment({
      spec: {
        objective: {
          type: 'minimize',
          objectiveMetricName: 'loss',
          metricStrategies: [{ name: 'loss', value: 'latest' }]
        }
      }
    });
    expect(
      trialFromObjects(trial('t', [cond('Succeeded')], metrics), 0, latest, []).objective
    ).toBe(0.2);
  });

  it('keeps the reason of a finished trial and the pod reason of a stuck running one', () => {
    const failed = trialFromObjects(
      trial('t', [cond('Failed', 'TrialFailed', 'job failed')]),
      0,
      experiment(),
      []
    );
    expect(failed).toMatchObject({ reason: 'TrialFailed', message: 'job failed' });
    const pod = {
      metadata: { name: 't-master-0', labels: {} },
      spec: { containers: [{ name: 'pytorch' }] },
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available'
          }
        ]
      }
    };
    const stuck = trialFromObjects(trial('t', [cond('Running')]), 0, experiment(), [pod]);
    expect(stuck).toMatchObject({
      phase: 'Running',
      reason: 'Unschedulable',
      message: 't-master-0: 0/3 nodes are available'
    });
  });

  it('uses the live curve until Katib reports, and ignores "unavailable"', () => {
    const unavailable = [
      { name: 'loss', min: 'unavailable', max: 'unavailable', latest: 'unavailable' }
    ];
    const live = trialFromObjects(
      trial('t', [cond('Running')], unavailable),
      0,
      experiment(),
      [],
      [
        { step: 0, value: 0.5 },
        { step: 1, value: 0.3 }
      ]
    );
    expect(live.metrics.loss).toEqual({ latest: 0.3, min: 0.3, max: 0.5 });
    expect(live.objective).toBe(0.3);
  });
});

describe('studyFromObjects', () => {
  it('orders trials, counts them, finds the best finished one and covers children in the version', () => {
    const trials = [
      trial(
        'b',
        [cond('Succeeded')],
        [{ name: 'loss', min: '0.3', max: '0.3', latest: '0.3' }],
        '2026-11-30T05:00:02Z'
      ),
      trial(
        'a',
        [cond('Succeeded')],
        [{ name: 'loss', min: '0.5', max: '0.5', latest: '0.5' }],
        '2026-11-30T05:00:01Z'
      ),
      trial('c', [cond('Running')], [], '2026-11-30T05:00:03Z')
    ];
    const study = studyFromObjects(experiment(), trials, new Map());
    expect(study.trials.map(t => [t.name, t.index])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2]
    ]);
    expect(study.counts).toMatchObject({ succeeded: 2, running: 1 });
    expect(study.best).toEqual({ trial: 'b', objective: 0.3, params: { lr: '0.1' } });
    const withPod = studyFromObjects(
      experiment(),
      trials,
      new Map([['c', [{ metadata: { name: 'p', resourceVersion: '9' } }]]])
    );
    expect(withPod.version).not.toBe(study.version);
  });

  it('shows a Succeeded experiment the workbench stopped as Stopped, with Katib reason', () => {
    const stopped = experiment({
      metadata: {
        name: 'e',
        namespace: 'ns',
        annotations: { [STOPPED_ANNOTATION]: '2026-11-30T06:00:00Z' }
      },
      status: {
        conditions: [
          cond('Created'),
          cond('Running'),
          cond('Succeeded', 'ExperimentMaxTrialsReached')
        ]
      }
    });
    expect(studyFromObjects(stopped, [], new Map())).toMatchObject({
      phase: 'Stopped',
      reason: 'ExperimentMaxTrialsReached'
    });
    const running = experiment({ status: { conditions: [cond('Created'), cond('Running')] } });
    expect(studyFromObjects(running, [], new Map()).phase).toBe('Running');
  });
});
