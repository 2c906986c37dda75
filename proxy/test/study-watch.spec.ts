/**
 * The study watch's live curves: while a trial's primary pod runs, its log (the collector sidecar's when
 * present) is followed and parsed with the study's own metric format. A client that serves lists, a watch
 * that stays open and a followed log that replays lines stands in for the apiserver and kubelet here; the
 * integration suite covers the same watch against a real apiserver (without a kubelet, so without logs).
 */
import { ResourceEvent } from '../../contract/live';
import { IStudy } from '../../contract/study';
import { validateStudySpec } from '../../contract/study-schema';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IKubeClient } from '../src/backends/kubernetes/client';
import { LogStore } from '../src/backends/kubernetes/log-store';
import { COLLECTOR_CONTAINER, watchStudies } from '../src/backends/kubernetes/studies/study-watch';
import { toKatibExperiment } from '../src/backends/kubernetes/studies/to-experiment';

const NS = 'team-a';

function experiment(format?: string) {
  const result = validateStudySpec({
    name: 'curves',
    objective: { metricName: 'loss', type: 'minimize' },
    parameters: [{ name: 'lr', parameterType: 'double', min: 0.01, max: 0.1 }],
    algorithm: { name: 'random' },
    maxTrialCount: 3,
    trial: {
      framework: 'pytorch',
      replicas: { Master: { count: 1 } },
      command: ['python', 't.py']
    },
    ...(format ? { metricsCollector: { kind: 'StdOut', format } } : {})
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.fields));
  }
  const object = toKatibExperiment(result.value, NS);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: 'e1',
      resourceVersion: '1',
      creationTimestamp: '2026-11-30T05:00:00Z'
    }
  };
}

const trial = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Trial',
  metadata: {
    name: 'curves-abc',
    uid: 't1',
    resourceVersion: '2',
    labels: { 'katib.kubeflow.org/experiment': 'curves' }
  },
  spec: { parameterAssignments: [{ name: 'lr', value: '0.05' }] },
  status: { conditions: [{ type: 'Running', status: 'True' }] }
};

function pod(containers: string[]) {
  // Katib's pod webhook wraps the training container like this when it adds the StdOut collector.
  const wrapped = (name: string) =>
    name === COLLECTOR_CONTAINER
      ? { name }
      : {
          name,
          command: ['sh', '-c'],
          args: ['python t.py 1>/var/log/katib/metrics.log 2>&1 && echo completed']
        };
  return {
    metadata: {
      name: 'curves-abc-master-0',
      uid: 'p1',
      resourceVersion: '3',
      labels: {
        'katib.kubeflow.org/trial': 'curves-abc',
        'training.kubeflow.org/job-name': 'curves-abc',
        'training.kubeflow.org/job-role': 'master',
        'training.kubeflow.org/replica-type': 'master',
        'training.kubeflow.org/replica-index': '0'
      }
    },
    spec: {
      containers: containers.map(name =>
        containers.includes(COLLECTOR_CONTAINER) ? wrapped(name) : { name }
      )
    },
    status: { phase: 'Running' }
  };
}

function fakeClient(objects: { experiment: object; pod?: object }, log: string[]) {
  const followed: { pod: string; container?: string }[] = [];
  const client: Partial<IKubeClient> = {
    async request<T>(_method: string, path: string, options?: { query?: Record<string, unknown> }) {
      const items = path.includes('/experiments')
        ? [objects.experiment]
        : path.includes('/trials')
          ? [trial]
          : options?.query?.labelSelector === 'katib.kubeflow.org/trial'
            ? objects.pod
              ? [objects.pod]
              : []
            : [];
      return { items, metadata: { resourceVersion: '10' } } as T;
    },
    async watch() {
      return () => undefined;
    },
    async followLog(_ns, podName, options, onText) {
      followed.push({ pod: podName, container: options.container });
      for (const chunk of log) {
        onText(chunk);
      }
    }
  };
  return { client: client as IKubeClient, followed };
}

function curveOf(
  client: IKubeClient,
  store?: LogStore
): Promise<{ study: IStudy; close: () => void }> {
  return new Promise(resolve => {
    const sub = watchStudies(
      client,
      NS,
      (event: ResourceEvent<IStudy>) => {
        const studies =
          event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
        const study = studies.find(s => s.trials[0]?.curve.length === 3);
        if (study) {
          resolve({ study, close: () => sub.close() });
        }
      },
      store
    );
  });
}

describe('study watch: live curves from followed logs', () => {
  it("parses the collector sidecar's log with Katib's default format, split across chunks", async () => {
    const { client, followed } = fakeClient(
      { experiment: experiment(), pod: pod(['pytorch', COLLECTOR_CONTAINER]) },
      [
        'epoch 0 loss=0.9\nepoch 1 lo',
        'ss=0.5\n2026-11-30T05:00:03Z epoch 2 loss=0.25\n',
        'accuracy=0.1\n'
      ]
    );
    const { study, close } = await curveOf(client);
    close();
    expect(followed).toEqual([{ pod: 'curves-abc-master-0', container: COLLECTOR_CONTAINER }]);
    const t = study.trials[0];
    expect(t.curve).toEqual([
      { step: 0, value: 0.9 },
      { step: 1, value: 0.5 },
      { step: 2, value: 0.25, time: '2026-11-30T05:00:03Z' }
    ]);
    // Until Katib reports, the live curve stands in for the metric (minimize: the objective is the min).
    expect(t.metrics.loss).toEqual({ latest: 0.25, min: 0.25, max: 0.9 });
    expect(t.objective).toBe(0.25);
  });

  it("follows the primary container without a sidecar, with the study's custom format", async () => {
    const { client, followed } = fakeClient(
      { experiment: experiment('(\\w+):\\s*([-+]?\\d*\\.?\\d+)'), pod: pod(['pytorch']) },
      ['loss: 3\nloss=2\nloss: 2\nloss: 1\n']
    );
    const { study, close } = await curveOf(client);
    close();
    expect(followed).toEqual([{ pod: 'curves-abc-master-0', container: 'pytorch' }]);
    expect(study.trials[0].curve.map(p => p.value)).toEqual([3, 2, 1]);
  });

  it('keeps the followed lines, so the curve and the log outlive the pod (a restarted proxy rebuilds both)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfwb-study-watch-'));
    try {
      const store = new LogStore(dir);
      const stamped = [
        '2026-11-30T05:00:01.1Z epoch 0 loss=0.9\n',
        '2026-11-30T05:00:02.2Z epoch 1 loss=0.5\n2026-11-30T05:00:03.3Z epoch 2 loss=0.25\n'
      ];
      const live = fakeClient({ experiment: experiment(), pod: pod(['pytorch']) }, stamped);
      const first = await curveOf(live.client, store);
      first.close();
      expect(first.study.trials[0].curve.map(p => p.time)).toEqual([
        '2026-11-30T05:00:01.1Z',
        '2026-11-30T05:00:02.2Z',
        '2026-11-30T05:00:03.3Z'
      ]);
      const kept = await store.read(NS, 'curves-abc', 'master-0', 100);
      expect(kept?.map(l => l.text)).toEqual([
        'epoch 0 loss=0.9',
        'epoch 1 loss=0.5',
        'epoch 2 loss=0.25'
      ]);
      // After a restart the pod is gone: the curve comes from what was kept, nothing is followed.
      const later = fakeClient({ experiment: experiment() }, []);
      const second = await curveOf(later.client, new LogStore(dir));
      second.close();
      expect(later.followed).toEqual([]);
      expect(second.study.trials[0].curve.map(p => p.value)).toEqual([0.9, 0.5, 0.25]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
