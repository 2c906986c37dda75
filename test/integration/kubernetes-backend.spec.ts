/**
 * The kubernetes backend against a real kube-apiserver (no controllers, scheduler or kubelet): the tests play
 * the operators' part through the status subresource and create pods the way the operator names them.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Framework, IJob, ITrainingJobSpec, JobStreamEvent } from '../../contract/training';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { JOB_KINDS, kindOfFramework } from '../../proxy/src/backends/kubernetes/kinds';
import { LogStore, parseStampedLines } from '../../proxy/src/backends/kubernetes/log-store';
import { toSourceConfigMap } from '../../proxy/src/backends/kubernetes/mappers';
import { BackendError, IBackend, ISubscription } from '../../proxy/src/backends/types';
import {
  STUCK_PODS,
  clusterInfo,
  createOperatorPods,
  freshNamespace,
  grantAlice,
  kubeConfig,
  restartApiserver,
  setStatus
} from '../apiserver/helpers';
import { failure } from '../../proxy/test/expect-failure';
import { FakeKubelet } from '../apiserver/fake-kubelet';
import { EventRecorder } from '../apiserver/live-stream';

const info = clusterInfo();
const adminKc = kubeConfig(info.adminKubeconfig);
const core = adminKc.makeApiClient(k8s.CoreV1Api);
const custom = adminKc.makeApiClient(k8s.CustomObjectsApi);
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-k8s-backend-'));
const open: IBackend[] = [];
let ns: string;
let admin: IBackend;

async function connect(
  opts: Partial<Parameters<typeof connectKubernetes>[0]> = {}
): Promise<IBackend> {
  const backend = await connectKubernetes({
    stateDir,
    kubeconfig: info.adminKubeconfig,
    ...opts
  });
  open.push(backend);
  return backend;
}

const REPLICAS: Record<Framework, ITrainingJobSpec['replicas']> = {
  pytorch: { Master: { count: 1 }, Worker: { count: 1 } },
  tensorflow: { PS: { count: 1 }, Worker: { count: 2 } },
  mpi: { Launcher: { count: 1 }, Worker: { count: 2 } },
  xgboost: { Master: { count: 1 }, Worker: { count: 1 } },
  jax: { Worker: { count: 2 } },
  paddle: { Master: { count: 1 }, Worker: { count: 1 } },
  trainjob: { Node: { count: 2 } }
};

function specOf(
  framework: Framework,
  name: string,
  extra: Partial<ITrainingJobSpec> = {}
): ITrainingJobSpec {
  return {
    name,
    framework,
    replicas: REPLICAS[framework],
    image: 'python:3.11-slim',
    command: ['python', '-c', 'print("hi")'],
    ...(framework === 'trainjob' ? { runtimeRef: { name: 'torch-distributed' } } : {}),
    ...extra
  };
}

/** Records a backend's job stream and waits for events matching a predicate (no sleeping, no polling). */
class Recorder extends EventRecorder<IJob> {
  readonly subscription: ISubscription;

  constructor(backend: IBackend, namespace: string) {
    super('job');
    this.subscription = backend.jobs.watch(namespace, event => this.record(event));
  }

  /** The latest view of a job after the events so far, snapshot or change. */
  latest(name: string): IJob | undefined | null {
    let job: IJob | undefined | null = undefined;
    for (const e of this.events) {
      if (e.type === 'snapshot') {
        job = e.items.find(j => j.name === name) ?? null;
      } else if (e.type === 'deleted' && e.object.name === name) {
        job = null;
      } else if ((e.type === 'added' || e.type === 'modified') && e.object.name === name) {
        job = e.object;
      }
    }
    return job;
  }
}

const jobEvent =
  (type: string, name: string, test: (job: IJob) => boolean = () => true) =>
  (e: JobStreamEvent) =>
    (e.type === type &&
      'object' in e &&
      e.object.name === name &&
      (type === 'deleted' || test(e.object as IJob))) ||
    (e.type === 'snapshot' && type !== 'deleted' && e.items.some(j => j.name === name && test(j)));

const condition = (type: string) => ({
  type,
  status: 'True',
  reason: `Job${type}`,
  message: `job is ${type.toLowerCase()}`,
  lastTransitionTime: new Date().toISOString(),
  lastUpdateTime: new Date().toISOString()
});

function statusRef(framework: Framework, name: string, namespace = ns) {
  const kind = kindOfFramework(framework);
  return {
    group: kind.group,
    version: kind.version,
    plural: kind.plural,
    namespace,
    name
  };
}

beforeAll(async () => {
  ns = await freshNamespace(adminKc, 'kb');
  admin = await connect({ namespace: ns });
});

afterAll(async () => {
  await Promise.all(open.map(backend => backend.close()));
  rmSync(stateDir, { recursive: true, force: true });
});

describe('connection, contexts and namespaces', () => {
  test('admin sees its context, the server version and every namespace', async () => {
    expect(admin.info()).toMatchObject({
      kind: 'kubernetes',
      state: 'connected',
      context: 'admin@test',
      server: info.server,
      namespace: ns
    });
    expect(admin.kubernetesVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(await admin.contexts()).toEqual({
      items: [{ name: 'admin@test', cluster: 'test', namespace: 'default' }],
      current: 'admin@test'
    });
    const namespaces = await admin.namespaces();
    expect(namespaces.default).toBe(ns);
    expect(namespaces.items.map(n => n.name)).toEqual(
      expect.arrayContaining(['default', 'team-a', ns])
    );
  });

  test("without a namespace option the context's namespace is used", async () => {
    const backend = await connect();
    expect(backend.info().namespace).toBe('default');
  });

  test('alice sees only team-a and gets plain forbidden messages elsewhere', async () => {
    const alice = await connect({ kubeconfig: info.aliceKubeconfig });
    expect(alice.info().namespace).toBe('team-a');
    expect(await alice.namespaces()).toEqual({
      items: [{ name: 'team-a' }],
      default: 'team-a'
    });
    const listed = await failure(alice.jobs.list(ns));
    expect(listed.code).toBe('forbidden');
    expect(listed.message).toBe(
      `You may not list training jobs (${JOB_KINDS[0].plural}) in namespace "${ns}".`
    );
    const created = await failure(alice.jobs.create(ns, specOf('pytorch', 'not-hers')));
    expect(created.code).toBe('forbidden');
    expect(created.message).toBe(
      `You may not create training jobs (pytorchjobs) in namespace "${ns}".`
    );
    expect((await alice.jobs.list('team-a')).items).toEqual([]);
    // The live stream's cheap pre-check says the same before any stream opens.
    expect((await failure(alice.jobs.checkAccess(ns))).code).toBe('forbidden');
    await expect(alice.jobs.checkAccess('team-a')).resolves.toBeUndefined();
  });

  test('extra namespaces are offered only where an access review allows them', async () => {
    const granted = await freshNamespace(adminKc, 'kb-alice');
    await grantAlice(adminKc, granted);
    const alice = await connect({
      kubeconfig: info.aliceKubeconfig,
      namespaces: [granted, ns]
    });
    const names = (await alice.namespaces()).items.map(n => n.name);
    expect(names).toEqual(['team-a', granted]);
  });

  test('impersonation: admin credentials acting for alice see what alice sees', async () => {
    const asAlice = await connect({
      impersonateUser: 'alice',
      namespace: 'team-a'
    });
    expect(await asAlice.namespaces()).toEqual({
      items: [{ name: 'team-a' }],
      default: 'team-a'
    });
    const error = await failure(asAlice.jobs.get(ns, 'anything'));
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe(
      `You may not get training jobs (${JOB_KINDS[0].plural}) in namespace "${ns}".`
    );
  });

  test("credentials that may not impersonate are refused at connect, in the apiserver's words", async () => {
    const error = await failure(
      connectKubernetes({ stateDir, kubeconfig: info.aliceKubeconfig, impersonateUser: 'bob' })
    );
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(
      /^Cannot use the cluster \(context "alice@test" of kubeconfig .*\): .*cannot impersonate/
    );
  });

  test('a broken kubeconfig, a missing context and a dead server are explained, not thrown as stacks', async () => {
    const broken = join(stateDir, 'broken.kubeconfig');
    writeFileSync(broken, 'clusters: [\n  - name: x\n    cluster: {server: ');
    const yaml = await failure(connectKubernetes({ stateDir, kubeconfig: broken }));
    expect(yaml.code).toBe('unreachable');
    expect(yaml.message).toMatch(new RegExp(`^The kubeconfig file ${broken} is not valid YAML: `));

    const context = await failure(
      connectKubernetes({
        stateDir,
        kubeconfig: info.adminKubeconfig,
        context: 'prod'
      })
    );
    expect(context.message).toBe(
      `The context "prod" is not in kubeconfig ${info.adminKubeconfig} (it has admin@test).`
    );

    const port = await new Promise<number>(resolve => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const dead = join(stateDir, 'dead.kubeconfig');
    const deadServer = `https://127.0.0.1:${port}`;
    writeFileSync(
      dead,
      readFileSync(info.adminKubeconfig, 'utf8').replace(info.server, deadServer)
    );
    const started = Date.now();
    const unreachable = await failure(connectKubernetes({ stateDir, kubeconfig: dead }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(unreachable.code).toBe('unreachable');
    expect(unreachable.message).toBe(
      `Cannot use the cluster (context "admin@test" of kubeconfig ${dead}, server https://127.0.0.1:${port}): ` +
        `Could not reach the Kubernetes API server at https://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`
    );
  });
});

describe('jobs of every kind', () => {
  let recorder: Recorder;

  beforeAll(async () => {
    recorder = new Recorder(admin, ns);
    await recorder.until(e => e.type === 'snapshot', 'first snapshot');
  });

  afterAll(() => recorder.subscription.close());

  const finalCondition = (framework: Framework) =>
    framework === 'trainjob' ? 'Complete' : 'Running';
  const finalPhase = (framework: Framework) => (framework === 'trainjob' ? 'Succeeded' : 'Running');

  test.each(JOB_KINDS.map(kind => kind.framework))(
    '%s: create, status through the watch, delete',
    async framework => {
      const name = `kind-${framework}`;
      const { job, created } = await admin.jobs.create(ns, specOf(framework, name));
      expect(created).toBe(true);
      expect(job).toMatchObject({
        name,
        namespace: ns,
        framework,
        kind: kindOfFramework(framework).kind
      });
      await recorder.until(jobEvent('added', name), `added ${name}`);

      await setStatus(adminKc, statusRef(framework, name), {
        conditions: [condition('Created'), condition(finalCondition(framework))]
      });
      const modified = await recorder.until(
        jobEvent('modified', name, j => j.phase === finalPhase(framework)),
        `${name} ${finalPhase(framework)}`
      );
      expect(modified.type).toBe('modified');
      expect((await admin.jobs.get(ns, name)).phase).toBe(finalPhase(framework));
      expect((await admin.jobs.list(ns)).items.map(j => j.name)).toContain(name);

      await admin.jobs.delete(ns, name);
      await recorder.until(jobEvent('deleted', name), `deleted ${name}`);
      expect((await failure(admin.jobs.get(ns, name))).code).toBe('not_found');
    }
  );

  test('list merges kinds newest first', async () => {
    await admin.jobs.create(ns, specOf('tensorflow', 'order-1'));
    await new Promise(resolve => setTimeout(resolve, 1100)); // creationTimestamp has a one-second resolution
    await admin.jobs.create(ns, specOf('jax', 'order-2'));
    const names = (await admin.jobs.list(ns)).items
      .map(j => j.name)
      .filter(n => n.startsWith('order-'));
    expect(names).toEqual(['order-2', 'order-1']);
  });

  test('a repeated create answers the existing job; a different spec under the same name is a conflict', async () => {
    const spec = specOf('pytorch', 'twice');
    const first = await admin.jobs.create(ns, spec);
    const second = await admin.jobs.create(ns, spec);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.job.created).toBe(first.job.created);
    const uid = (job: IJob) => (job.manifest as { metadata: { uid: string } }).metadata.uid;
    expect(uid(second.job)).toBe(uid(first.job));
    const { group, version, plural } = kindOfFramework('pytorch');
    const objects = (await custom.listNamespacedCustomObject({
      group,
      version,
      plural,
      namespace: ns
    })) as {
      items: { metadata: { name: string } }[];
    };
    expect(objects.items.filter(o => o.metadata.name === 'twice')).toHaveLength(1);

    const changed = await failure(admin.jobs.create(ns, { ...spec, image: 'python:3.12-slim' }));
    expect(changed.code).toBe('conflict');
    expect(changed.message).toBe(
      `A PyTorchJob named "twice" already exists in namespace "${ns}" and has a different spec. ` +
        'Choose another name or delete that job first.'
    );
    const otherKind = await failure(admin.jobs.create(ns, specOf('xgboost', 'twice')));
    expect(otherKind.code).toBe('conflict');
  });

  test('the source ConfigMap is owned by the job and deleted with it', async () => {
    const spec = specOf('pytorch', 'with-source', {
      source: { filename: 'train.py', content: 'print("hello")\n' }
    });
    await admin.jobs.create(ns, spec);
    const job = (await custom.getNamespacedCustomObject(statusRef('pytorch', 'with-source'))) as {
      metadata: { uid: string };
    };
    const cmName = (
      toSourceConfigMap(spec, 'with-source', ns) as {
        metadata: { name: string };
      }
    ).metadata.name;
    const cm = await core.readNamespacedConfigMap({
      namespace: ns,
      name: cmName
    });
    expect(cm.metadata?.ownerReferences?.map(o => o.uid)).toEqual([job.metadata.uid]);
    expect(Object.values(cm.data ?? {}).join()).toContain('print("hello")');

    await admin.jobs.delete(ns, 'with-source');
    const gone = await core.readNamespacedConfigMap({ namespace: ns, name: cmName }).then(
      () => 'still there',
      (e: { code?: number }) => e.code
    );
    expect(gone).toBe(404);
  });

  test('when the ConfigMap cannot be created the job is removed again', async () => {
    const spec = specOf('pytorch', 'cm-clash', {
      source: { filename: 'train.py', content: 'print(1)\n' }
    });
    const cmName = (toSourceConfigMap(spec, 'cm-clash', ns) as { metadata: { name: string } })
      .metadata.name;
    // Someone else's ConfigMap already has the name the job's source needs.
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: cmName }, data: { mine: 'yes' } }
    });

    const error = await failure(admin.jobs.create(ns, spec));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(
      new RegExp(
        `^Could not create ConfigMap "${cmName}" with the job's source, so job "cm-clash" was removed again: `
      )
    );
    const left = await custom.getNamespacedCustomObject(statusRef('pytorch', 'cm-clash')).then(
      () => 'still there',
      (e: { code?: number }) => e.code
    );
    expect(left).toBe(404);
    const theirs = await core.readNamespacedConfigMap({
      namespace: ns,
      name: cmName
    });
    expect(theirs.data).toEqual({ mine: 'yes' });
    expect(theirs.metadata?.ownerReferences).toBeUndefined();
  });

  test("the CRD schema's 422 comes back as field errors at the spec's own fields", async () => {
    // Routes validate specs first; calling the backend directly sends what the apiserver must reject.
    const error = await failure(
      admin.jobs.create(ns, specOf('pytorch', 'negative', { replicas: { Worker: { count: -1 } } }))
    );
    expect(error.code).toBe('invalid_spec');
    expect(error.fields).toEqual(
      expect.arrayContaining([
        {
          path: '/replicas/Worker/count',
          message: expect.stringContaining('non-negative')
        }
      ])
    );
  });
});

describe('TrainJob pod overrides on the upstream Trainer v2.3.0 CRD', () => {
  test('volumes, nodeSelector and tolerations go into runtimePatches (detected) and are stored unpruned', async () => {
    const { job } = await admin.jobs.create(
      ns,
      specOf('trainjob', 'patched', {
        volumes: [{ claimName: 'data', mountPath: '/data' }],
        nodeSelector: { pool: 'gpu' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]
      })
    );
    expect(job.name).toBe('patched');
    const stored = (await custom.getNamespacedCustomObject({
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'trainjobs',
      name: 'patched'
    })) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(stored.metadata.annotations['kubeflow-workbench.io/trainer-override-field']).toBe(
      'runtimePatches'
    );
    const [patch] = stored.spec.runtimePatches;
    expect(patch.manager).toBe('kubeflow-workbench.io/proxy');
    const [node] = patch.trainingRuntimeSpec.template.spec.replicatedJobs;
    expect(node.name).toBe('node');
    expect(node.template.spec.template.spec).toEqual({
      volumes: [{ name: 'pvc-0', persistentVolumeClaim: { claimName: 'data' } }],
      containers: [{ name: 'node', volumeMounts: [{ name: 'pvc-0', mountPath: '/data' }] }],
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]
    });
  });
});

describe('pods, events and logs', () => {
  const pods = STUCK_PODS;

  test('replica reasons come from real pod objects, live through the watch', async () => {
    const recorder = new Recorder(admin, ns);
    try {
      await admin.jobs.create(
        ns,
        specOf('pytorch', 'reasons', {
          replicas: { Master: { count: 1 }, Worker: { count: 3 } }
        })
      );
      await recorder.until(jobEvent('added', 'reasons'), 'added reasons');
      await createOperatorPods(adminKc, ns, 'reasons', 'PyTorchJob', pods);
      const isOom = (j: IJob) =>
        j.replicas.some(r => r.name === 'worker-2' && r.reason === 'OOMKilled');
      await recorder.until(jobEvent('modified', 'reasons', isOom), 'OOMKilled through the watch');

      const job = await admin.jobs.get(ns, 'reasons');
      const byName = Object.fromEntries(job.replicas.map(r => [r.name, r]));
      expect(byName['master-0']).toMatchObject({
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
      });
      expect(byName['worker-0']).toMatchObject({
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "nope:latest"'
      });
      expect(byName['worker-1']).toMatchObject({
        reason: 'CrashLoopBackOff',
        restarts: 4
      });
      expect(byName['worker-2']).toMatchObject({
        reason: 'OOMKilled',
        exitCode: 137
      });
      expect(recorder.latest('reasons')?.replicas).toEqual(job.replicas);
    } finally {
      recorder.subscription.close();
    }
  });

  test('events of the job and its pods, newest last', async () => {
    const involved = (kind: string, name: string) => ({
      kind,
      name,
      namespace: ns
    });
    const event = (
      name: string,
      kind: string,
      object: string,
      reason: string,
      at: string,
      type = 'Normal'
    ) =>
      core.createNamespacedEvent({
        namespace: ns,
        body: {
          metadata: { name },
          involvedObject: involved(kind, object),
          reason,
          message: `${reason} happened`,
          type,
          count: 1,
          firstTimestamp: new Date(at),
          lastTimestamp: new Date(at)
        }
      });
    await event('e-late', 'Pod', 'reasons-worker-0', 'Failed', '2026-01-01T00:00:03Z', 'Warning');
    await event('e-early', 'PyTorchJob', 'reasons', 'PyTorchJobCreated', '2026-01-01T00:00:01Z');
    await event(
      'e-middle',
      'Pod',
      'reasons-master-0',
      'FailedScheduling',
      '2026-01-01T00:00:02Z',
      'Warning'
    );
    await event('e-other', 'Pod', 'someone-else-worker-0', 'Pulled', '2026-01-01T00:00:02Z');

    expect(await admin.jobs.events(ns, 'reasons')).toEqual([
      {
        type: 'Normal',
        reason: 'PyTorchJobCreated',
        message: 'PyTorchJobCreated happened',
        object: 'pytorchjob/reasons',
        count: 1,
        lastTimestamp: '2026-01-01T00:00:01Z'
      },
      expect.objectContaining({
        type: 'Warning',
        reason: 'FailedScheduling',
        object: 'pod/reasons-master-0'
      }),
      expect.objectContaining({
        type: 'Warning',
        reason: 'Failed',
        object: 'pod/reasons-worker-0'
      })
    ]);
  });

  test('logs kept in the state dir are served when the pod log cannot be read', async () => {
    const sink = () => {
      const chunks: string[] = [];
      return {
        chunks,
        write: (chunk: string) => void chunks.push(chunk),
        text: () => chunks.join('')
      };
    };
    await admin.jobs.create(
      ns,
      specOf('pytorch', 'logs', {
        replicas: { Master: { count: 1 }, Worker: { count: 2 } }
      })
    );
    // The master has no node (a bare apiserver answers its log empty); the workers are bound to a node that
    // does not exist, so the apiserver cannot reach a kubelet for their logs.
    await createOperatorPods(adminKc, ns, 'logs', 'PyTorchJob', [{ type: 'Master', index: 0 }]);
    for (const index of [0, 1]) {
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: {
            name: `logs-worker-${index}`,
            labels: {
              'training.kubeflow.org/job-name': 'logs',
              'training.kubeflow.org/replica-type': 'worker',
              'training.kubeflow.org/replica-index': String(index)
            }
          },
          spec: {
            nodeName: 'node-gone',
            containers: [{ name: 'pytorch', image: 'python:3.11-slim' }]
          }
        }
      });
    }
    const direct = await core
      .readNamespacedPodLog({
        namespace: ns,
        name: 'logs-worker-1',
        container: 'pytorch'
      })
      .then(
        () => 'readable',
        (e: { code?: number }) => e.code
      );
    expect(direct).toBeGreaterThanOrEqual(400);

    const store = new LogStore(join(stateDir, 'logs'));
    await store.append(
      ns,
      'logs',
      'master-0',
      parseStampedLines('2026-01-01T00:00:01Z m1\n2026-01-01T00:00:03Z m2\n')
    );
    await store.append(
      ns,
      'logs',
      'worker-0',
      parseStampedLines('2026-01-01T00:00:02.5Z w1\n2026-01-01T00:00:04Z w2\n')
    );

    const merged = sink();
    await admin.jobs.logs(ns, 'logs', {}, merged.write);
    const lines = merged.text().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '[master-0] m1',
      '[worker-0] w1',
      '[master-0] m2',
      '[worker-0] w2'
    ]);
    // A replica with neither a readable pod log nor a kept one says why in words, after the others' lines;
    // the apiserver's own text (`pods "node-gone" not found`: the missing thing is the node) is a detail line.
    expect(lines.slice(4)).toEqual([
      '[worker-1] [workbench] The log of worker-1 cannot be read: the node it ran on ("node-gone") is gone.',
      expect.stringMatching(/^\[worker-1\] \[workbench:details\] \w+ "node-gone" not found$/),
      ''
    ]);

    const one = sink();
    await admin.jobs.logs(ns, 'logs', { replica: 'worker-0', tail: 1 }, one.write);
    expect(one.text()).toBe('w2\n');

    const followed = sink();
    const abort = new AbortController();
    await admin.jobs.logs(
      ns,
      'logs',
      { replica: 'worker-0', follow: true, signal: abort.signal },
      followed.write
    );
    expect(followed.text()).toBe('w1\nw2\n');

    const nothing = await failure(
      admin.jobs.logs(ns, 'logs', { replica: 'worker-1' }, () => undefined)
    );
    expect(nothing.code).toBe('not_found');
    expect(nothing.message).toBe(
      'The log of worker-1 cannot be read: the node it ran on ("node-gone") is gone.'
    );
    expect((nothing as BackendError & { detail?: string }).detail).toMatch(/"node-gone" not found/);
    const unknown = await failure(
      admin.jobs.logs(ns, 'logs', { replica: 'worker-9' }, () => undefined)
    );
    expect(unknown.code).toBe('not_found');

    // Pods cleaned up (cleanPodPolicy): the kept logs remain.
    for (const pod of ['logs-master-0', 'logs-worker-0', 'logs-worker-1']) {
      await core.deleteNamespacedPod({
        namespace: ns,
        name: pod,
        gracePeriodSeconds: 0
      });
    }
    const afterCleanup = sink();
    await admin.jobs.logs(ns, 'logs', {}, afterCleanup.write);
    expect(afterCleanup.text()).toBe(
      '[master-0] m1\n[worker-0] w1\n[master-0] m2\n[worker-0] w2\n'
    );

    // Deleting the job forgets its logs: a new job of the same name must not show them.
    await admin.jobs.delete(ns, 'logs');
    expect(await store.replicas(ns, 'logs')).toEqual([]);
  });

  test('the log store appends overlapping reads only once', async () => {
    const store = new LogStore(join(stateDir, 'store-test'));
    const first = parseStampedLines(
      '2026-01-01T00:00:01Z a\n2026-01-01T00:00:02Z b\n2026-01-01T00:00:02Z c\n'
    );
    const second = parseStampedLines(
      '2026-01-01T00:00:02Z b\n2026-01-01T00:00:02Z c\n2026-01-01T00:00:02Z d\n2026-01-01T00:00:02.5Z e\n'
    );
    const texts = (lines: { text: string }[]) => lines.map(l => l.text);
    expect(texts(await store.append('n', 'j', 'worker-0', first))).toEqual(['a', 'b', 'c']);
    expect(texts(await store.append('n', 'j', 'worker-0', second))).toEqual(['d', 'e']);
    // A fresh store (a restarted proxy) finds where to resume from the file itself.
    const restarted = new LogStore(join(stateDir, 'store-test'));
    expect(await restarted.append('n', 'j', 'worker-0', second)).toEqual([]);
    expect((await restarted.read('n', 'j', 'worker-0', 100))?.map(l => l.text)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e'
    ]);

    // A long kept log is read from its end, not whole.
    const padding = 'x'.repeat(100);
    const many = Array.from({ length: 6000 }, (_, i) => ({
      stamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      text: `line ${i} ${padding}`
    }));
    expect(await restarted.append('n', 'j', 'worker-1', many)).toHaveLength(6000);
    const tail = await restarted.read('n', 'j', 'worker-1', 5000);
    expect(tail).toHaveLength(5000);
    expect(tail?.[0].text).toBe(`line 1000 ${padding}`);
    expect(tail?.[4999].text).toBe(`line 5999 ${padding}`);
  });
});

describe('watch across an apiserver restart', () => {
  test('resumes without missing or duplicating changes', async () => {
    const namespace = await freshNamespace(adminKc, 'kb-restart');
    const recorder = new Recorder(admin, namespace);
    try {
      await recorder.until(e => e.type === 'snapshot', 'snapshot');
      await admin.jobs.create(namespace, specOf('pytorch', 'before'));
      await recorder.until(jobEvent('added', 'before'), 'added before');

      await restartApiserver();
      // Changes made right after the restart, while the watch is still reconnecting, must arrive too.
      await setStatus(adminKc, statusRef('pytorch', 'before', namespace), {
        conditions: [condition('Created'), condition('Running')]
      });
      await admin.jobs.create(namespace, specOf('jax', 'after'));
      await recorder.until(
        jobEvent('modified', 'before', j => j.phase === 'Running'),
        'before Running',
        60000
      );
      await recorder.until(jobEvent('added', 'after'), 'added after', 60000);

      // Still live after the resume.
      await setStatus(adminKc, statusRef('jax', 'after', namespace), {
        conditions: [condition('Created'), condition('Succeeded')]
      });
      await recorder.until(
        jobEvent('modified', 'after', j => j.phase === 'Succeeded'),
        'after Succeeded'
      );

      // No change was told twice: each (job, resourceVersion) appears once among added/modified.
      const told = recorder.events.flatMap(e =>
        e.type === 'added' || e.type === 'modified'
          ? [`${e.object.name}@${e.object.resourceVersion}`]
          : []
      );
      expect(new Set(told).size).toBe(told.length);
      // And the stream's view equals a fresh list.
      const listed = (await admin.jobs.list(namespace)).items;
      for (const job of listed) {
        expect(recorder.latest(job.name)).toMatchObject({
          phase: job.phase,
          resourceVersion: job.resourceVersion
        });
      }
      expect(listed.map(j => j.name).sort()).toEqual(['after', 'before']);
    } finally {
      recorder.subscription.close();
    }
  });
});

describe('live logs through the apiserver (kubelet stand-in)', () => {
  const kubelet = new FakeKubelet();
  const node = `fake-node-${Date.now().toString(36)}`;

  /** Pods of a job bound to the stand-in's node, labelled like the operator's. */
  async function podsOnNode(job: string, replicas: string[]): Promise<void> {
    for (const replica of replicas) {
      const [type, index] = replica.split('-');
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: {
            name: `${job}-${replica}`,
            labels: {
              'training.kubeflow.org/job-name': job,
              'training.kubeflow.org/replica-type': type,
              'training.kubeflow.org/replica-index': index
            }
          },
          spec: { nodeName: node, containers: [{ name: 'pytorch', image: 'python:3.11-slim' }] }
        }
      });
    }
  }

  beforeAll(async () => {
    await kubelet.start(stateDir);
    await core.createNode({ body: { metadata: { name: node } } });
    await core.patchNodeStatus(
      {
        name: node,
        body: {
          status: {
            addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
            daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } }
          }
        }
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    );
  });

  afterAll(() => kubelet.close());

  test('live logs are read with capped tails, kept, and still served after the pods are gone', async () => {
    await admin.jobs.create(ns, specOf('pytorch', 'live'));
    await podsOnNode('live', ['master-0', 'worker-0']);
    kubelet.print('live-master-0', '2026-02-01T10:00:01.000000001Z hello from master');
    kubelet.print('live-worker-0', '2026-02-01T10:00:01.5Z hello from worker');
    kubelet.print('live-master-0', '2026-02-01T10:00:02Z master done');

    const chunks: string[] = [];
    await admin.jobs.logs(ns, 'live', {}, chunk => void chunks.push(chunk));
    const merged =
      '[master-0] hello from master\n[worker-0] hello from worker\n[master-0] master done\n';
    expect(chunks.join('')).toBe(merged);
    const asked = kubelet.requests.find(
      url => url.pathname === `/containerLogs/${ns}/live-master-0/pytorch`
    );
    expect(asked?.searchParams.get('tailLines')).toBe('1000');
    expect(asked?.searchParams.get('timestamps')).toBe('true');
    expect(Number(asked?.searchParams.get('limitBytes'))).toBeGreaterThan(0);

    const last: string[] = [];
    await admin.jobs.logs(
      ns,
      'live',
      { replica: 'master-0', tail: 1 },
      chunk => void last.push(chunk)
    );
    expect(last.join('')).toBe('master done\n');
    await admin.jobs.logs(ns, 'live', { replica: 'master-0', tail: 1e9 }, () => undefined);
    expect(kubelet.requests[kubelet.requests.length - 1].searchParams.get('tailLines')).toBe(
      '10000'
    );

    // cleanPodPolicy removes the pods; what was read is still there.
    await core.deleteNamespacedPod({ namespace: ns, name: 'live-master-0', gracePeriodSeconds: 0 });
    await core.deleteNamespacedPod({ namespace: ns, name: 'live-worker-0', gracePeriodSeconds: 0 });
    const kept: string[] = [];
    await admin.jobs.logs(ns, 'live', {}, chunk => void kept.push(chunk));
    expect(kept.join('')).toBe(merged);
  });

  test('a followed log streams until aborted and keeps what it streamed; it ends when the container exits', async () => {
    await admin.jobs.create(ns, specOf('pytorch', 'tail-f'));
    await podsOnNode('tail-f', ['worker-0']);
    kubelet.print('tail-f-worker-0', '2026-02-01T11:00:00Z epoch 1');

    const chunks: string[] = [];
    const abort = new AbortController();
    let arrived: () => void = () => undefined;
    const sink = (chunk: string) => {
      chunks.push(chunk);
      arrived();
    };
    const nextChunk = () => new Promise<void>(resolve => (arrived = resolve));
    const first = nextChunk();
    const following = admin.jobs.logs(
      ns,
      'tail-f',
      { replica: 'worker-0', follow: true, signal: abort.signal },
      sink
    );
    await first;
    await kubelet.waitForFollow('tail-f-worker-0', 1);
    const second = nextChunk();
    kubelet.print('tail-f-worker-0', '2026-02-01T11:00:01Z epoch 2');
    await second;
    expect(chunks.join('')).toBe('epoch 1\nepoch 2\n');
    abort.abort();
    await following;

    // The pod is gone; the followed lines were kept.
    await core.deleteNamespacedPod({
      namespace: ns,
      name: 'tail-f-worker-0',
      gracePeriodSeconds: 0
    });
    const kept: string[] = [];
    await admin.jobs.logs(ns, 'tail-f', {}, chunk => void kept.push(chunk));
    expect(kept.join('')).toBe('[worker-0] epoch 1\n[worker-0] epoch 2\n');

    // A new pod of the same replica (the operator recreates failed pods): history first, then only new lines,
    // and the follow ends by itself when the container exits.
    await podsOnNode('tail-f', ['worker-0']);
    kubelet.lines.set('tail-f-worker-0', ['2026-02-01T11:00:05Z restarted']);
    const again: string[] = [];
    const ended = admin.jobs.logs(
      ns,
      'tail-f',
      { replica: 'worker-0', follow: true },
      chunk => void again.push(chunk)
    );
    await kubelet.waitForFollow('tail-f-worker-0', 2);
    kubelet.print('tail-f-worker-0', '2026-02-01T11:00:06Z finished');
    kubelet.exit('tail-f-worker-0');
    await ended;
    expect(again.join('')).toBe('epoch 1\nepoch 2\nrestarted\nfinished\n');
  });

  test("a followed log of a container that never started says so (client-node drops the kubelet's 400)", async () => {
    await admin.jobs.create(ns, specOf('pytorch', 'no-pull'));
    await podsOnNode('no-pull', ['worker-0']);
    kubelet.waiting('no-pull-worker-0', 'ImagePullBackOff');
    const error = await failure(
      admin.jobs.logs(ns, 'no-pull', { replica: 'worker-0', follow: true }, () => undefined)
    );
    expect(error.message).toBe(
      'The log of worker-0 cannot be read: its container has not started yet.'
    );
    // The apiserver's own words (the kubelet's) stay as the detail.
    expect((error as BackendError & { detail?: string }).detail).toContain(
      'is waiting to start: trying and failing to pull image'
    );
  });
});
