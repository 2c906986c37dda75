/**
 * The test cluster itself: users and RBAC, our CRDs' validation, the status subresource through a watch, watch
 * resumption across an apiserver restart, the 410 path, operator-labelled pods, and a clean teardown.
 * Uses @kubernetes/client-node directly (the proxy's backend has its own suite).
 * Findings the proxy depends on are measured here, not assumed: see the restart test (410 after a restart with
 * the watch cache on) and docs/test-cluster.md.
 */
// Custom objects come back as untyped JSON (client-node types them `any`); typing each test's view adds nothing.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { startCluster, TestCluster } from '../apiserver/cluster';
import { installCrds } from '../apiserver/crds';
import {
  STUCK_PODS,
  TEAM_A,
  clusterInfo,
  createOperatorPods,
  freshNamespace,
  KATIB_METRICS_LABEL,
  kubeConfig,
  restartApiserver,
  setStatus
} from '../apiserver/helpers';

const info = clusterInfo();
const admin = kubeConfig(info.adminKubeconfig);
const alice = kubeConfig(info.aliceKubeconfig);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
const template = {
  spec: {
    containers: [{ name: 'pytorch', image: 'python:3.11-slim', command: ['true'] }]
  }
};
let ns: string;

beforeAll(async () => {
  ns = await freshNamespace(admin, 'apiserver', { katib: true });
});

/** The Kubernetes Status of a failed call (client-node 1.4 gives the body as a JSON string). */
async function failure(
  call: Promise<unknown>
): Promise<{ code: number; reason?: string; details?: any }> {
  try {
    await call;
  } catch (e) {
    const err = e as k8s.ApiException<unknown>;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { ...(body as object), code: err.code };
  }
  throw new Error('the call succeeded');
}

function tfjob(
  name: string,
  replicaSpecs: Record<string, unknown>,
  extra: Record<string, unknown> = {}
) {
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'TFJob',
    metadata: { name },
    spec: { tfReplicaSpecs: replicaSpecs, ...extra }
  };
}

describe('users and RBAC', () => {
  test('admin lists every namespace', async () => {
    const list = await admin.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(list.items.map(n => n.metadata!.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', TEAM_A, ns])
    );
  });

  test('alice works in team-a and nowhere else', async () => {
    const core = alice.makeApiClient(k8s.CoreV1Api);
    await expect(core.listNamespacedPod({ namespace: TEAM_A })).resolves.toHaveProperty('items');
    const jobs = alice.makeApiClient(k8s.CustomObjectsApi);
    await expect(
      jobs.listNamespacedCustomObject({
        group: 'kubeflow.org',
        version: 'v1',
        namespace: TEAM_A,
        plural: 'pytorchjobs'
      })
    ).resolves.toHaveProperty('items');
    expect(await failure(core.listNamespacedPod({ namespace: ns }))).toMatchObject({
      code: 403,
      reason: 'Forbidden'
    });
    expect(await failure(core.listNamespacedPod({ namespace: 'default' }))).toMatchObject({
      code: 403
    });
    expect(await failure(core.listNamespace())).toMatchObject({ code: 403 });
    expect(await failure(core.listNamespacedSecret({ namespace: TEAM_A }))).toMatchObject({
      code: 403
    });
  });
});

describe('CRDs', () => {
  const valid: Array<[string, string, string, Record<string, unknown>]> = [
    [
      'kubeflow.org/v1',
      'TFJob',
      'tfjobs',
      {
        tfReplicaSpecs: {
          Chief: { template },
          Worker: { replicas: 2, template }
        }
      }
    ],
    [
      'kubeflow.org/v1',
      'PyTorchJob',
      'pytorchjobs',
      {
        runPolicy: {
          cleanPodPolicy: 'None',
          ttlSecondsAfterFinished: 600,
          backoffLimit: 3,
          suspend: false
        },
        pytorchReplicaSpecs: {
          Master: { replicas: 1, restartPolicy: 'OnFailure', template },
          Worker: { template }
        }
      }
    ],
    [
      'kubeflow.org/v1',
      'MPIJob',
      'mpijobs',
      {
        slotsPerWorker: 1,
        mpiReplicaSpecs: { Launcher: { template }, Worker: { template } }
      }
    ],
    [
      'kubeflow.org/v1',
      'XGBoostJob',
      'xgboostjobs',
      { xgbReplicaSpecs: { Master: { template }, Worker: { template } } }
    ],
    [
      'kubeflow.org/v1',
      'PaddleJob',
      'paddlejobs',
      { paddleReplicaSpecs: { Worker: { replicas: 2, template } } }
    ],
    [
      'kubeflow.org/v1',
      'JAXJob',
      'jaxjobs',
      {
        jaxReplicaSpecs: {
          Worker: { replicas: 2, restartPolicy: 'Never', template }
        }
      }
    ],
    [
      'trainer.kubeflow.org/v1alpha1',
      'TrainJob',
      'trainjobs',
      {
        runtimeRef: { name: 'torch-distributed' },
        trainer: { numNodes: 2, image: 'python:3.11-slim', command: ['true'] }
      }
    ],
    [
      'trainer.kubeflow.org/v1alpha1',
      'TrainingRuntime',
      'trainingruntimes',
      {
        mlPolicy: { numNodes: 1, torch: {} },
        template: { spec: { replicatedJobs: [] } }
      }
    ],
    [
      'kubeflow.org/v1beta1',
      'Experiment',
      'experiments',
      {
        objective: {
          type: 'minimize',
          goal: 0.001,
          objectiveMetricName: 'loss'
        },
        algorithm: { algorithmName: 'random' },
        parameters: [
          {
            name: 'lr',
            parameterType: 'double',
            feasibleSpace: { min: '0.01', max: '0.1' }
          }
        ],
        parallelTrialCount: 2,
        maxTrialCount: 4,
        trialTemplate: {
          primaryContainerName: 'training',
          trialParameters: [{ name: 'lr', reference: 'lr' }],
          // Katib's webhook checks both: the primary container exists and every trial parameter is used.
          trialSpec: {
            apiVersion: 'batch/v1',
            kind: 'Job',
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [
                    {
                      name: 'training',
                      image: 'python:3.11-slim',
                      command: ['python', 'train.py', '--lr=${trialParameters.lr}']
                    }
                  ]
                }
              }
            }
          }
        }
      }
    ],
    [
      'kubeflow.org/v1beta1',
      'Trial',
      'trials',
      {
        objective: { type: 'minimize', objectiveMetricName: 'loss' },
        parameterAssignments: [{ name: 'lr', value: '0.05' }],
        runSpec: { apiVersion: 'batch/v1', kind: 'Job' }
      }
    ],
    [
      'kubeflow.org/v1beta1',
      'Suggestion',
      'suggestions',
      { algorithm: { algorithmName: 'random' }, requests: 2 }
    ]
  ];

  test.each(valid)('%s %s accepts a valid object', async (apiVersion, kind, plural, spec) => {
    const [group, version] = apiVersion.split('/');
    const name = `valid-${kind.toLowerCase()}`;
    const body = { apiVersion, kind, metadata: { name }, spec };
    const created = await custom.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body
    });
    // Upstream defaults: TrainJob fills managedBy, suspend and runtimeRef's apiGroup/kind; nothing is pruned.
    expect(created.spec).toMatchObject(spec);
  });

  test('TrainJob defaults come from the upstream Trainer CRD', async () => {
    const created = await custom.createNamespacedCustomObject({
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'trainjobs',
      body: {
        apiVersion: 'trainer.kubeflow.org/v1alpha1',
        kind: 'TrainJob',
        metadata: { name: 'defaulted' },
        spec: { runtimeRef: { name: 'torch-distributed' } }
      }
    });
    expect(created.spec).toMatchObject({
      managedBy: 'trainer.kubeflow.org/trainjob-controller',
      suspend: false,
      runtimeRef: {
        name: 'torch-distributed',
        apiGroup: 'trainer.kubeflow.org',
        kind: 'ClusterTrainingRuntime'
      }
    });
  });

  test("Katib's mutating webhook defaults every Experiment (resume policy, metric strategy, collector)", async () => {
    const experiment = valid.find(([, kind]) => kind === 'Experiment')!;
    const created = await custom.createNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1beta1',
      namespace: ns,
      plural: 'experiments',
      body: {
        apiVersion: experiment[0],
        kind: 'Experiment',
        metadata: { name: 'defaulted' },
        spec: experiment[3]
      }
    });
    expect(created.spec.resumePolicy).toBe('Never');
    expect(created.spec.objective.metricStrategies).toEqual([{ name: 'loss', value: 'min' }]);
    expect(created.spec.metricsCollectorSpec.collector.kind).toBe('StdOut');
  });

  test("Katib's own webhook admits Experiments: one in a namespace without its label is refused", async () => {
    const other = await freshNamespace(admin, 'no-katib-label');
    const experiment = valid.find(([, kind]) => kind === 'Experiment')!;
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: 'kubeflow.org',
        version: 'v1beta1',
        namespace: other,
        plural: 'experiments',
        body: {
          apiVersion: experiment[0],
          kind: 'Experiment',
          metadata: { name: 'refused' },
          spec: experiment[3]
        }
      })
    );
    expect(status.code).toBe(400);
    expect((status as { message?: string }).message).toContain(
      `admission webhook "validator.experiment.katib.kubeflow.org" denied the request`
    );
    expect((status as { message?: string }).message).toContain(
      `lacks label "${KATIB_METRICS_LABEL}: enabled"`
    );
  });

  test('ClusterTrainingRuntime is cluster-scoped', async () => {
    const body = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'ClusterTrainingRuntime',
      metadata: { name: `torch-${ns}` },
      spec: { template: { spec: {} } }
    };
    const created = await custom.createClusterCustomObject({
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      plural: 'clustertrainingruntimes',
      body
    });
    expect(created.metadata.namespace).toBeUndefined();
  });

  test('pod templates keep every known field, however deep, and lose unknown ones', async () => {
    const deep = {
      metadata: { labels: { team: 'a' } },
      spec: {
        containers: [
          {
            name: 'pytorch',
            image: 'x',
            resources: { limits: { 'nvidia.com/gpu': 1 } },
            volumeMounts: [{ name: 'd', mountPath: '/d' }]
          }
        ],
        volumes: [{ name: 'd', emptyDir: { medium: 'Memory' } }],
        futureField: { nested: [1, 2] }
      }
    };
    const body = tfjob('deep', { Worker: { template: deep } });
    const created = await custom.createNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      namespace: ns,
      plural: 'tfjobs',
      body
    });
    // The upstream CRDs carry the full PodTemplateSpec schema: an unknown field is pruned silently, not refused.
    const { futureField, ...known } = deep.spec;
    expect(futureField).toBeDefined();
    expect(created.spec.tfReplicaSpecs.Worker.template).toEqual({ ...deep, spec: known });
  });

  test.each([
    [
      'replicas as a string',
      { Worker: { replicas: '2', template } },
      {},
      'spec.tfReplicaSpecs.Worker.replicas'
    ],
    [
      'backoffLimit as a string',
      { Worker: { template } },
      { runPolicy: { backoffLimit: 'three' } },
      'spec.runPolicy.backoffLimit'
    ],
    ['no replica specs', undefined, {}, 'spec.tfReplicaSpecs'],
    [
      'a container without a name',
      { Worker: { template: { spec: { containers: [{ image: 'x' }] } } } },
      {},
      'spec.tfReplicaSpecs.Worker.template.spec.containers[0].name'
    ]
  ])(
    'a TFJob with %s is refused by the CRD with 422 naming the field',
    async (_what, specs, extra, field) => {
      const body = tfjob('malformed', specs as Record<string, unknown>, extra);
      const status = await failure(
        custom.createNamespacedCustomObject({
          group: 'kubeflow.org',
          version: 'v1',
          namespace: ns,
          plural: 'tfjobs',
          body
        })
      );
      expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(status.details.causes.map((c: { field: string }) => c.field)).toContain(field);
    }
  );

  // The upstream v1 CRDs are loose: these are stored, and only the operator's validating webhook refuses them
  // (test/operators/*.spec.ts runs it). Our own schema must refuse them before they reach the cluster.
  test.each([
    ['negative replicas', { Worker: { replicas: -1, template } }, {}],
    ['an unknown replica type', { Bogus: { template } }, {}],
    ['a replica without template', { Worker: { replicas: 1 } }, {}],
    ['an unknown restartPolicy', { Worker: { restartPolicy: 'Sometimes', template } }, {}],
    [
      'an unknown cleanPodPolicy',
      { Worker: { template } },
      { runPolicy: { cleanPodPolicy: 'Some' } }
    ]
  ])('a TFJob with %s passes the upstream CRD (no webhook here)', async (what, specs, extra) => {
    const body = tfjob(
      `loose-${what.replace(/[^a-z]+/g, '-')}`,
      specs as Record<string, unknown>,
      extra
    );
    const created = await custom.createNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      namespace: ns,
      plural: 'tfjobs',
      body
    });
    expect(created.metadata.uid).toBeTruthy();
  });

  test('a TrainJob without runtimeRef and with numNodes 0 is refused naming runtimeRef', async () => {
    const body = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'bad-trainjob' },
      spec: { trainer: { numNodes: 0 } }
    };
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: 'trainer.kubeflow.org',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'trainjobs',
        body
      })
    );
    expect(status.code).toBe(422);
    // The CEL rule on numNodes is skipped while a required field is missing; the apiserver says so with the
    // field path "<nil>" (the proxy must not pass that path on as a JSON pointer).
    expect(status.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'spec.runtimeRef',
      '<nil>'
    ]);
  });

  test('the State printer column is the last condition type', async () => {
    const name = 'stateful';
    await custom.createNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      namespace: ns,
      plural: 'pytorchjobs',
      body: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: { name },
        spec: { pytorchReplicaSpecs: { Worker: { template } } }
      }
    });
    await setStatus(
      admin,
      {
        group: 'kubeflow.org',
        version: 'v1',
        plural: 'pytorchjobs',
        namespace: ns,
        name
      },
      {
        conditions: [
          { type: 'Created', status: 'True' },
          { type: 'Running', status: 'True' }
        ]
      }
    );
    const table = await tableViaClient(name);
    const col = table.columnDefinitions.findIndex((c: { name: string }) => c.name === 'State');
    expect(table.rows[0].cells[col]).toBe('Running');
  });
});

/** The object as a server-side Table (printer columns), with the kubeconfig's CA and token. */
async function tableViaClient(name: string): Promise<any> {
  const opts: any = { headers: {} };
  await admin.applyToHTTPSOptions(opts);
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${info.server}/apis/kubeflow.org/v1/namespaces/${ns}/pytorchjobs/${name}`,
      {
        ...opts,
        headers: {
          ...opts.headers,
          Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io'
        }
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))
        );
      }
    );
    req.on('error', reject);
    req.end();
  });
}

/** Records one watch stream; `until` waits for an event matching a predicate. */
class Recorder {
  events: Array<{ type: string; object: any }> = [];
  ended: Promise<unknown>;
  private ctrl?: AbortController;
  private endedWith?: (err: unknown) => void;
  private constructor(kc: k8s.KubeConfig) {
    this.kc = kc;
    this.ended = new Promise(resolve => (this.endedWith = resolve));
  }
  private kc: k8s.KubeConfig;

  static async start(
    kc: k8s.KubeConfig,
    path: string,
    params: Record<string, string | number | boolean | undefined>
  ): Promise<Recorder> {
    const r = new Recorder(kc);
    r.ctrl = await new k8s.Watch(kc).watch(
      path,
      params,
      (type, object) => r.events.push({ type, object }),
      err => r.endedWith!(err ?? 'closed')
    );
    return r;
  }

  async until(
    what: string,
    match: (e: { type: string; object: any }) => boolean,
    timeoutMs = 20_000
  ) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.find(match);
      if (found) {
        return found;
      }
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(
      `no ${what} among ${JSON.stringify(this.events.map(e => [e.type, e.object?.metadata?.name]))}`
    );
  }

  stop(): void {
    this.ctrl?.abort();
  }
}

const JOBS = { group: 'kubeflow.org', version: 'v1', plural: 'pytorchjobs' };
const jobsPath = (namespace: string) => `/apis/kubeflow.org/v1/namespaces/${namespace}/pytorchjobs`;
const pytorchJob = (name: string) => ({
  apiVersion: 'kubeflow.org/v1',
  kind: 'PyTorchJob',
  metadata: { name },
  spec: { pytorchReplicaSpecs: { Worker: { replicas: 1, template } } }
});
const condition = (type: string) => ({
  type,
  status: 'True',
  reason: `PyTorchJob${type}`
});
const lastCondition = (o: any) => o?.status?.conditions?.at(-1)?.type;
const is410 = (e: { type: string; object: any }) => e.type === 'ERROR' && e.object?.code === 410;

describe('status and watches', () => {
  test('status written through the status subresource arrives through a watch', async () => {
    const created = await custom.createNamespacedCustomObject({
      ...JOBS,
      namespace: ns,
      body: pytorchJob('watched')
    });
    const watch = await Recorder.start(admin, jobsPath(ns), {
      resourceVersion: created.metadata.resourceVersion,
      fieldSelector: 'metadata.name=watched'
    });
    try {
      await setStatus(
        admin,
        { ...JOBS, namespace: ns, name: 'watched' },
        {
          conditions: [condition('Created'), condition('Running')],
          replicaStatuses: { Worker: { active: 1 } }
        }
      );
      const event = await watch.until(
        'MODIFIED Running',
        e => e.type === 'MODIFIED' && lastCondition(e.object) === 'Running'
      );
      expect(event.object.status.replicaStatuses).toEqual({
        Worker: { active: 1 }
      });
      expect(event.object.spec).toEqual(created.spec);
      // The main resource ignores status, as with the real operator's CRDs: only the subresource writes it.
      const patched = await custom.patchNamespacedCustomObject(
        {
          ...JOBS,
          namespace: ns,
          name: 'watched',
          body: { status: { conditions: [condition('Failed')] } }
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
      );
      expect(lastCondition(patched)).toBe('Running');
    } finally {
      watch.stop();
    }
  });

  // Measured, not assumed: with the watch cache on (the default, and what production apiservers run), a watch
  // resumed after a restart from a resourceVersion the new cache never held gets ERROR 410 Expired ("too old
  // resource version: 244 (248)"), because the rebuilt cache starts at etcd's current revision. Clients must
  // relist and watch from the list's resourceVersion; changes made meanwhile then arrive through the relist.
  test('after an apiserver restart a resumed watch gets 410; relist then watch sees every change once', async () => {
    const namespace = await freshNamespace(admin, 'restart');
    const ref = { ...JOBS, namespace };
    await custom.createNamespacedCustomObject({
      ...ref,
      body: pytorchJob('before')
    });
    const first = await Recorder.start(admin, jobsPath(namespace), {
      resourceVersion: (await custom.listNamespacedCustomObject(ref)).metadata.resourceVersion
    });
    const seen: any = await setStatus(
      admin,
      { ...ref, name: 'before' },
      { conditions: [condition('Created')] }
    );
    await first.until('MODIFIED Created', e => e.type === 'MODIFIED');

    await restartApiserver();
    await first.ended; // the stream broke with the restart
    await setStatus(
      admin,
      { ...ref, name: 'before' },
      { conditions: [condition('Created'), condition('Running')] }
    );
    await custom.createNamespacedCustomObject({
      ...ref,
      body: pytorchJob('after')
    });

    const resumed = await Recorder.start(admin, jobsPath(namespace), {
      resourceVersion: seen.metadata.resourceVersion
    });
    expect(String((await resumed.until('410', is410)).object.message)).toMatch(
      /too old resource version/
    );
    await resumed.ended;

    const relist = await custom.listNamespacedCustomObject(ref);
    const state = new Map<string, any>(relist.items.map((o: any) => [o.metadata.name, o]));
    expect(lastCondition(state.get('before'))).toBe('Running');
    expect([...state.keys()].sort()).toEqual(['after', 'before']);
    const live = await Recorder.start(admin, jobsPath(namespace), {
      resourceVersion: relist.metadata.resourceVersion
    });
    try {
      await setStatus(
        admin,
        { ...ref, name: 'after' },
        { conditions: [condition('Created'), condition('Succeeded')] }
      );
      await live.until('after Succeeded', e => lastCondition(e.object) === 'Succeeded');
      // Nothing the relist already showed comes again: the only event is the one change made after it.
      expect(live.events.map(e => [e.type, e.object.metadata.name])).toEqual([
        ['MODIFIED', 'after']
      ]);
    } finally {
      live.stop();
    }
  }, 120_000);

  test('a watch from a resourceVersion older than the watch cache gets 410 Expired', async () => {
    const watch = await Recorder.start(admin, jobsPath(ns), {
      resourceVersion: '1'
    });
    expect((await watch.until('410', is410)).object).toMatchObject({
      code: 410,
      reason: 'Expired'
    });
    await watch.ended;
  });
});

describe('operator pods', () => {
  test('pods labelled like the training operator are listable by label selector, with kubelet-like status', async () => {
    const job = `pods-${Date.now().toString(36)}`;
    await createOperatorPods(admin, TEAM_A, job, 'PyTorchJob', STUCK_PODS);
    const core = alice.makeApiClient(k8s.CoreV1Api); // alice, in her namespace, as the workbench would
    const list = (labelSelector: string) =>
      core.listNamespacedPod({ namespace: TEAM_A, labelSelector }).then(l => l.items);
    const pods = await list(`training.kubeflow.org/job-name=${job}`);
    expect(pods.map(p => p.metadata!.name).sort()).toEqual([
      `${job}-master-0`,
      `${job}-worker-0`,
      `${job}-worker-1`,
      `${job}-worker-2`
    ]);
    const master = await list(
      `training.kubeflow.org/job-name=${job},training.kubeflow.org/job-role=master`
    );
    expect(master.map(p => p.metadata!.name)).toEqual([`${job}-master-0`]);
    expect(master[0].metadata!.labels).toMatchObject({
      'training.kubeflow.org/operator-name': 'pytorchjob-controller',
      'training.kubeflow.org/replica-type': 'master',
      'training.kubeflow.org/replica-index': '0'
    });
    expect(master[0].status!.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'
      })
    ]);
    const workers = await list(
      `training.kubeflow.org/job-name=${job},training.kubeflow.org/replica-type=worker`
    );
    const reasons = Object.fromEntries(
      workers.map(p => {
        const state = p.status!.containerStatuses![0].state!;
        return [
          p.metadata!.name!.split('-').slice(-2).join('-'),
          [p.status!.phase, (state.waiting ?? state.terminated)!.reason]
        ];
      })
    );
    expect(reasons).toEqual({
      'worker-0': ['Pending', 'ImagePullBackOff'],
      'worker-1': ['Running', 'CrashLoopBackOff'],
      'worker-2': ['Failed', 'OOMKilled']
    });
  });
});

// A cluster of its own: kube-apiserver with --watch-cache=false serves watches straight from etcd, which keeps
// history until compaction. That shows resumption working across a restart, and lets us provoke a real 410 by
// compacting etcd (its JSON gateway, POST /v3/kv/compaction) instead of waiting for the 5-minute compactor.
describe('own cluster without watch cache', () => {
  let cluster: TestCluster;
  let kc: k8s.KubeConfig;
  let co: k8s.CustomObjectsApi;
  let namespace: string;
  beforeAll(async () => {
    cluster = await startCluster({ watchCache: false });
    kc = kubeConfig(cluster.adminKubeconfig);
    co = kc.makeApiClient(k8s.CustomObjectsApi);
    await installCrds(kc);
    namespace = await freshNamespace(kc, 'nocache');
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test('a watch resumed by resourceVersion after a restart gets exactly the missed changes', async () => {
    const ref = { ...JOBS, namespace };
    await co.createNamespacedCustomObject({ ...ref, body: pytorchJob('a') });
    const first = await Recorder.start(kc, jobsPath(namespace), {
      resourceVersion: (await co.listNamespacedCustomObject(ref)).metadata.resourceVersion
    });
    const seen: any = await setStatus(
      kc,
      { ...ref, name: 'a' },
      { conditions: [condition('Created')] }
    );
    await first.until('MODIFIED Created', e => e.type === 'MODIFIED');

    await cluster.restartApiserver();
    await first.ended;
    const running: any = await setStatus(
      kc,
      { ...ref, name: 'a' },
      { conditions: [condition('Created'), condition('Running')] }
    );
    const b = await co.createNamespacedCustomObject({
      ...ref,
      body: pytorchJob('b')
    });

    const resumed = await Recorder.start(kc, jobsPath(namespace), {
      resourceVersion: seen.metadata.resourceVersion
    });
    try {
      await resumed.until('ADDED b', e => e.type === 'ADDED' && e.object.metadata.name === 'b');
      expect(
        resumed.events.map(e => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion])
      ).toEqual([
        ['MODIFIED', 'a', running.metadata.resourceVersion],
        ['ADDED', 'b', b.metadata.resourceVersion]
      ]);
    } finally {
      resumed.stop();
    }
  }, 120_000);

  test('after etcd compaction a watch from an older resourceVersion gets 410; a relist recovers', async () => {
    const ref = { ...JOBS, namespace };
    const old = (await co.listNamespacedCustomObject(ref)).metadata.resourceVersion;
    await co.createNamespacedCustomObject({ ...ref, body: pytorchJob('c') });
    await setStatus(kc, { ...ref, name: 'c' }, { conditions: [condition('Created')] });
    // Compacting at revision R keeps R itself; a watch from `old` starts at old+1 (c's creation), below R.
    const revision = (await co.listNamespacedCustomObject(ref)).metadata.resourceVersion;
    const res = await fetch(`${cluster.etcdUrl}/v3/kv/compaction`, {
      method: 'POST',
      body: JSON.stringify({ revision, physical: true })
    });
    expect(res.status).toBe(200);

    const stale = await Recorder.start(kc, jobsPath(namespace), {
      resourceVersion: old
    });
    expect((await stale.until('410', is410)).object).toMatchObject({
      code: 410
    });
    await stale.ended;
    const relist = await co.listNamespacedCustomObject(ref);
    expect(relist.items.map((o: any) => o.metadata.name).sort()).toEqual(['a', 'b', 'c']);
  });

  test('stop() leaves no process behind', async () => {
    const pids = cluster.pids();
    await cluster.stop();
    for (const pid of pids) {
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    }
    expect(processesMentioning(cluster.dir)).toEqual('');
  });
});

/** `pgrep -f` over command lines: the cluster's temp dir is in every flag list of its etcd and apiserver. */
function processesMentioning(text: string): string {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}
