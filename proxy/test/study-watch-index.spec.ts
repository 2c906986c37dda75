/**
 * The study watch on the shared multi-watch's indexes: a snapshot groups trials and pods per study, and one
 * pod event re-assembles and resends only the study that pod belongs to (a fake client serves the lists and
 * lets the test push watch events; the integration suite runs the watch against a real apiserver).
 */
import { ResourceEvent } from '../../contract/live';
import { IStudy } from '../../contract/study';
import { IKubeClient } from '../src/backends/kubernetes/client';
import { watchStudies } from '../src/backends/kubernetes/studies/study-watch';
import { IKubeObject } from '../src/backends/kubernetes/watch-reducer';

const TRIAL_LABEL = 'katib.kubeflow.org/trial';
const EXPERIMENT_LABEL = 'katib.kubeflow.org/experiment';

const experiment = (name: string): IKubeObject => ({
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Experiment',
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    resourceVersion: '1',
    creationTimestamp: `2026-11-30T0${name === 'a' ? 1 : 2}:00:00Z`
  },
  spec: {
    objective: { type: 'minimize', objectiveMetricName: 'loss' },
    trialTemplate: { primaryContainerName: 'pytorch' }
  }
});

const trial = (experimentName: string): IKubeObject => ({
  metadata: {
    name: `${experimentName}-t1`,
    namespace: 'team-a',
    uid: `uid-${experimentName}-t1`,
    resourceVersion: '2',
    labels: { [EXPERIMENT_LABEL]: experimentName }
  },
  spec: { parameterAssignments: [{ name: 'lr', value: '0.1' }] },
  status: { conditions: [{ type: 'Running', status: 'True' }] }
});

const pod = (experimentName: string, phase: string, rv: string): IKubeObject => ({
  metadata: {
    name: `${experimentName}-t1-master-0`,
    namespace: 'team-a',
    uid: `uid-${experimentName}-pod`,
    resourceVersion: rv,
    labels: { [TRIAL_LABEL]: `${experimentName}-t1` }
  },
  spec: { containers: [{ name: 'other' }] },
  status: { phase }
});

function fakeCluster(objects: {
  experiments: IKubeObject[];
  trials: IKubeObject[];
  pods: IKubeObject[];
}) {
  const watches = new Map<string, (type: string, object: unknown) => void>();
  const client: Partial<IKubeClient> = {
    async request<T>(_method: string, path: string, options?: { query?: Record<string, unknown> }) {
      const items = path.endsWith('/experiments')
        ? objects.experiments
        : path.endsWith('/trials')
          ? objects.trials
          : options?.query?.labelSelector === TRIAL_LABEL
            ? objects.pods
            : [];
      return { items, metadata: { resourceVersion: '10' } } as T;
    },
    async watch(path, query, onEvent) {
      watches.set(`${path.split('/').pop()}?${query.labelSelector ?? ''}`, onEvent);
      return () => undefined;
    }
  };
  return { client: client as IKubeClient, watches };
}

describe('the study watch through the index', () => {
  test('each study gets its own trials and pods; a pod event resends only its study', async () => {
    const { client, watches } = fakeCluster({
      experiments: [experiment('a'), experiment('b')],
      trials: [trial('a'), trial('b')],
      pods: [pod('a', 'Pending', '3'), pod('b', 'Pending', '4')]
    });
    const events: ResourceEvent<IStudy>[] = [];
    let snapshot!: () => void;
    const first = new Promise<void>(resolve => (snapshot = resolve));
    const subscription = watchStudies(client, 'team-a', event => {
      events.push(event);
      if (event.type === 'snapshot') {
        snapshot();
      }
    });
    await first;
    await new Promise(resolve => setImmediate(resolve)); // the watches connect after the snapshot
    const initial = events[0] as Extract<ResourceEvent<IStudy>, { type: 'snapshot' }>;
    expect(initial.items.map(s => `${s.name}: ${s.trials.map(t => t.name).join(',')}`)).toEqual([
      'b: b-t1',
      'a: a-t1'
    ]);
    const versionOfA = initial.items.find(s => s.name === 'a')?.version;

    watches.get(`pods?${TRIAL_LABEL}`)!('MODIFIED', pod('a', 'Running', '11'));
    subscription.close();
    const changed = events.slice(1);
    expect(changed.map(e => `${e.type} ${'object' in e ? e.object.name : ''}`)).toEqual([
      'modified a'
    ]);
    // Its version covers its own pods (and only those: b's did not change).
    expect((changed[0] as { object: IStudy }).object.version).not.toBe(versionOfA);
  });
});
