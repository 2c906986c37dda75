/** Trials and studies for the tuning specs: small, readable, covering every trial state. */
import { IStudy, IStudySpec, ITrial } from '../../../contract/study';
import { FakeResourceStream } from '../../live/__tests__/fake-stream';

export function trial(index: number, change: Partial<ITrial> = {}): ITrial {
  return {
    name: `demo-${String(index).padStart(3, '0')}`,
    index,
    params: {},
    phase: 'Succeeded',
    metrics: {},
    curve: [],
    ...change
  };
}

export const SPEC: IStudySpec = {
  name: 'demo',
  objective: { metricName: 'loss', type: 'minimize', goal: 0.05 },
  parameters: [
    { name: 'lr', parameterType: 'double', min: 0.0001, max: 0.1, distribution: 'logUniform' },
    { name: 'layers', parameterType: 'int', min: 1, max: 4 },
    { name: 'opt', parameterType: 'categorical', list: ['sgd', 'adam'] }
  ],
  algorithm: { name: 'random' },
  maxTrialCount: 6,
  parallelTrialCount: 2,
  trial: {
    framework: 'pytorch',
    replicas: { Master: { count: 1 } },
    command: ['python3', 'train.py', '--lr', '${trialParameters.lr}']
  }
};

export const TRIALS: ITrial[] = [
  trial(0, {
    params: { lr: '0.01', layers: '2', opt: 'sgd' },
    objective: 0.4,
    curve: [
      { step: 0, value: 0.9 },
      { step: 1, value: 0.4 }
    ]
  }),
  trial(1, {
    params: { lr: '0.001', layers: '3', opt: 'adam' },
    objective: 0.2,
    curve: [
      { step: 0, value: 0.8 },
      { step: 1, value: 0.2 }
    ]
  }),
  trial(2, {
    params: { lr: '0.1', layers: '1', opt: 'sgd' },
    phase: 'Failed',
    reason: 'ExitCode 1',
    message: 'the script raised'
  }),
  trial(3, {
    params: { lr: '0.0001', layers: '4', opt: 'adam' },
    phase: 'Running',
    objective: 0.1,
    curve: [{ step: 0, value: 0.1 }]
  }),
  trial(4, {
    params: { lr: '0.05', layers: '2', opt: 'adam' },
    phase: 'EarlyStopped',
    objective: 0.3
  }),
  trial(5, {
    params: { lr: '0.02', layers: '1', opt: 'sgd' },
    phase: 'Running',
    reason: 'Unschedulable',
    message: '0/3 nodes are available: 3 Insufficient cpu.'
  })
];

export function study(change: Partial<IStudy> = {}): IStudy {
  return {
    name: 'demo',
    namespace: 'team-a',
    created: '2026-11-30T05:00:00Z',
    version: '1',
    backend: 'local',
    phase: 'Running',
    spec: SPEC,
    counts: {
      pending: 0,
      running: 2,
      succeeded: 2,
      failed: 1,
      killed: 0,
      earlyStopped: 1,
      metricsUnavailable: 0
    },
    best: { trial: 'demo-001', objective: 0.2, params: TRIALS[1].params },
    trials: TRIALS,
    ...change
  };
}

/** The study stream stand-in (the shared one of every live kind). */
export class FakeStudyStream extends FakeResourceStream<IStudy> {}

/** The parts of `ProxyClient` the tuning UI uses, as jest mocks. */
export function fakeStudyClient() {
  const streams: FakeStudyStream[] = [];
  return {
    streams,
    watchStudies: jest.fn((namespace: string) => {
      const stream = new FakeStudyStream(namespace);
      streams.push(stream);
      return stream;
    }),
    getStudy: jest.fn(async (): Promise<IStudy> => study()),
    trialLogs: jest.fn(async (): Promise<string> => ''),
    followTrialLogs: jest.fn(async () => undefined)
  };
}
