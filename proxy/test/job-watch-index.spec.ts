/**
 * Pods found by their job instead of by scanning: the ObjectIndex the shared multi-watch keeps per stream, and
 * the job watch built on it (a fake client serves the lists and lets the test push watch events; the
 * integration suite runs the same watch against a real apiserver).
 */
import { JobStreamEvent } from '../../contract/training';
import { IKubeClient } from '../src/backends/kubernetes/client';
import { ObjectIndex } from '../src/backends/kubernetes/object-index';
import { watchJobs } from '../src/backends/kubernetes/watch';
import { IKubeObject } from '../src/backends/kubernetes/watch-reducer';

const JOB_LABEL = 'training.kubeflow.org/job-name';
const JOBSET_LABEL = 'jobset.sigs.k8s.io/jobset-name';

const job = (name: string, rv = '1'): IKubeObject => ({
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    resourceVersion: rv,
    creationTimestamp: '2026-11-30T01:00:00Z'
  },
  spec: { pytorchReplicaSpecs: { Master: { replicas: 1 }, Worker: { replicas: 1 } } }
});

const pod = (
  jobName: string,
  type: string,
  phase: string,
  rv = '1',
  labels: Record<string, string> = {}
): IKubeObject => ({
  metadata: {
    name: `${jobName}-${type}-0`,
    namespace: 'team-a',
    uid: `uid-${jobName}-${type}`,
    resourceVersion: rv,
    labels: {
      [JOB_LABEL]: jobName,
      'training.kubeflow.org/replica-type': type,
      'training.kubeflow.org/replica-index': '0',
      ...labels
    }
  },
  spec: { containers: [{ name: 'pytorch' }] },
  status: { phase }
});

describe('ObjectIndex', () => {
  const byJob = (o: IKubeObject) => o.metadata?.labels?.[JOB_LABEL];

  test('finds objects by key, follows a key change and forgets deleted objects', () => {
    const index = new ObjectIndex({ job: byJob });
    index.reset([
      pod('a', 'master', 'Running'),
      pod('a', 'worker', 'Pending'),
      pod('b', 'master', 'Running')
    ]);
    expect(index.find('job', 'a').map(p => p.metadata?.name)).toEqual(['a-master-0', 'a-worker-0']);
    const moved = pod('a', 'worker', 'Pending', '2', { [JOB_LABEL]: 'b' });
    index.set(moved);
    expect(index.find('job', 'a').map(p => p.metadata?.name)).toEqual(['a-master-0']);
    expect(index.find('job', 'b')).toEqual([pod('b', 'master', 'Running'), moved]);
    index.delete('uid-a-master');
    expect(index.find('job', 'a')).toEqual([]);
    expect(index.get('uid-a-master')).toBeUndefined();
    expect(index.size).toBe(2);
    index.reset([]);
    expect(index.find('job', 'b')).toEqual([]);
  });

  test('objects without uid are not kept; an unknown index is a programming error', () => {
    const index = new ObjectIndex({ job: byJob });
    index.set({ metadata: { name: 'no-uid', labels: { [JOB_LABEL]: 'a' } } });
    expect(index.size).toBe(0);
    expect(() => index.find('owner', 'a')).toThrow('no index "owner"');
  });

  test('one change reads the keys of that object only, however many are held', () => {
    for (const count of [10, 10_000]) {
      let reads = 0;
      const index = new ObjectIndex({
        job: o => {
          reads += 1;
          return byJob(o);
        }
      });
      index.reset(Array.from({ length: count }, (_, i) => pod(`job-${i}`, 'master', 'Running')));
      reads = 0;
      index.set(pod('job-3', 'master', 'Succeeded', '2'));
      expect({ count, reads }).toEqual({ count, reads: 2 }); // the old object out, the new one in
    }
  });
});

/** Serves lists of jobs (pytorchjobs only) and pods by label; records the watches to push events into. */
function fakeCluster(jobs: IKubeObject[], pods: IKubeObject[]) {
  const watches = new Map<string, (type: string, object: unknown) => void>();
  const client: Partial<IKubeClient> = {
    async request<T>(_method: string, path: string, options?: { query?: Record<string, unknown> }) {
      const selector = options?.query?.labelSelector as string | undefined;
      const items = path.endsWith('/pytorchjobs')
        ? jobs
        : path.endsWith('/pods')
          ? pods.filter(p => selector && p.metadata?.labels?.[selector] !== undefined)
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

function record(client: IKubeClient) {
  const events: JobStreamEvent[] = [];
  let snapshot!: () => void;
  const first = new Promise<void>(resolve => (snapshot = resolve));
  const subscription = watchJobs(client, 'team-a', event => {
    events.push(event);
    if (event.type === 'snapshot') {
      snapshot();
    }
  });
  return { events, first, close: () => subscription.close() };
}

const replicasOf = (event: JobStreamEvent | undefined) =>
  event?.type === 'snapshot'
    ? event.items.map(j => `${j.name}: ${j.replicas.map(r => `${r.name} ${r.phase}`).join(', ')}`)
    : event?.type === 'modified'
      ? [
          `${event.object.name}: ${event.object.replicas.map(r => `${r.name} ${r.phase}`).join(', ')}`
        ]
      : [];

describe('the job watch finds pods through the index', () => {
  test('the snapshot gives every job its own pods, a pod in both label streams once', async () => {
    const both = pod('b', 'master', 'Running', '1', { [JOBSET_LABEL]: 'b' });
    const { client } = fakeCluster(
      [job('a'), job('b'), job('c')],
      [pod('a', 'master', 'Running'), pod('a', 'worker', 'Pending'), both]
    );
    const stream = record(client);
    await stream.first;
    stream.close();
    expect(replicasOf(stream.events[0])).toEqual([
      'a: master-0 Running, worker-0 Pending',
      'b: master-0 Running',
      'c: '
    ]);
  });

  test('a pod event sends its own job once, and nothing for a pod of no known job or a replay', async () => {
    const { client, watches } = fakeCluster(
      [job('a'), job('b')],
      [pod('a', 'master', 'Running'), pod('b', 'master', 'Running')]
    );
    const stream = record(client);
    await stream.first;
    // Watches start right after the snapshot, from the same tick's promises.
    await new Promise(resolve => setImmediate(resolve));
    const pods = watches.get(`pods?${JOB_LABEL}`)!;
    pods('MODIFIED', pod('b', 'master', 'Failed', '11'));
    pods('MODIFIED', pod('b', 'master', 'Failed', '11')); // replayed after a reconnect
    pods('ADDED', pod('zzz', 'master', 'Running', '12')); // its job is not (yet) listed
    pods('DELETED', pod('a', 'master', 'Running', '13'));
    stream.close();
    expect(stream.events.slice(1).flatMap(replicasOf)).toEqual(['b: master-0 Failed', 'a: ']);
  });
});
