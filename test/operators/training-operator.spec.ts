/**
 * Jobs created through the proxy against the real Training Operator v1.9.4: admitted by its validating
 * webhook, reconciled into pods and services with the operator's env, run by kwok, and followed to Running,
 * Succeeded and Failed on the proxy's SSE stream.
 */
import * as k8s from '@kubernetes/client-node';
import { Framework, IJob, ITrainingJobSpec } from '../../contract/training';
import { routes } from '../../contract/routes';
import { clusterInfo, freshNamespace, kubeConfig } from '../apiserver/helpers';
import { OUTCOME_LABEL } from './kwok';
import { IProxy, JobStream, startProxy } from './proxy-client';

const info = clusterInfo('operators');
const admin = kubeConfig(info.adminKubeconfig);
const core = admin.makeApiClient(k8s.CoreV1Api);
const custom = admin.makeApiClient(k8s.CustomObjectsApi);
let proxy: IProxy;
let ns: string;
let stream: JobStream;

beforeAll(async () => {
  proxy = await startProxy(info.adminKubeconfig);
  ns = await freshNamespace(admin, 'operator');
  stream = proxy.stream(ns);
});
afterAll(async () => {
  await proxy?.close();
});

const REPLICAS: Record<Exclude<Framework, 'trainjob'>, ITrainingJobSpec['replicas']> = {
  pytorch: { Master: { count: 1 }, Worker: { count: 2 } },
  tensorflow: { PS: { count: 1 }, Worker: { count: 2 } },
  mpi: { Launcher: { count: 1 }, Worker: { count: 2 } },
  xgboost: { Master: { count: 1 }, Worker: { count: 1 } },
  jax: { Worker: { count: 2 } },
  paddle: { Master: { count: 1 }, Worker: { count: 1 } }
};

function spec(
  framework: Framework,
  name: string,
  extra: Partial<ITrainingJobSpec> = {}
): ITrainingJobSpec {
  return {
    name,
    framework,
    replicas: REPLICAS[framework as keyof typeof REPLICAS],
    image: 'python:3.11-slim',
    command: ['python', '-c', 'print("hi")'],
    ...extra
  };
}

async function create(body: ITrainingJobSpec): Promise<IJob> {
  const res = await proxy.request('POST', routes.jobs(ns), body);
  expect(res.body).toMatchObject({ name: body.name });
  expect(res.status).toBe(201);
  return res.body;
}

async function podsOf(job: string): Promise<k8s.V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace: ns,
    labelSelector: `training.kubeflow.org/job-name=${job}`
  });
  return list.items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}

/** Waits for the operator to have created n pods (through a watch, not polling). */
async function awaitPods(job: string, n: number): Promise<k8s.V1Pod[]> {
  await stream.job(job, j => j.replicas.length >= n, `${n} replicas`);
  return podsOf(job);
}

function envOf(pod: k8s.V1Pod): Record<string, string> {
  return Object.fromEntries((pod.spec!.containers[0].env ?? []).map(e => [e.name, e.value ?? '']));
}

const running = (j: IJob) => j.phase === 'Running';
const succeeded = (j: IJob) => j.phase === 'Succeeded';

describe('every v1 kind through the proxy, reconciled by the real operator', () => {
  test('PyTorchJob: pods with MASTER_ADDR, RANK and WORLD_SIZE; a service per pod; Running then Succeeded', async () => {
    await create(spec('pytorch', 'pt'));
    const pods = await awaitPods('pt', 3);
    expect(pods.map(p => p.metadata!.name)).toEqual(['pt-master-0', 'pt-worker-0', 'pt-worker-1']);
    expect(pods.map(envOf).map(e => [e.MASTER_ADDR, e.RANK, e.WORLD_SIZE])).toEqual([
      ['pt-master-0', '0', '3'],
      ['pt-master-0', '1', '3'],
      ['pt-master-0', '2', '3']
    ]);
    const services = await core.listNamespacedService({
      namespace: ns,
      labelSelector: 'training.kubeflow.org/job-name=pt'
    });
    expect(services.items.map(s => s.metadata!.name).sort()).toEqual([
      'pt-master-0',
      'pt-worker-0',
      'pt-worker-1'
    ]);
    await stream.job('pt', running, 'Running');
    const done = await stream.job('pt', succeeded, 'Succeeded');
    expect(done.conditions.map(c => c.type)).toEqual(
      expect.arrayContaining(['Created', 'Running', 'Succeeded'])
    );
  });

  test('TFJob: TF_CONFIG names every replica and the pod own task', async () => {
    await create(spec('tensorflow', 'tf'));
    const pods = await awaitPods('tf', 3);
    const configs = pods.map(p => JSON.parse(envOf(p).TF_CONFIG));
    const svc = (r: string) => `tf-${r}.${ns}.svc:2222`;
    expect(configs[0].cluster).toEqual({
      ps: [svc('ps-0')],
      worker: [svc('worker-0'), svc('worker-1')]
    });
    expect(configs.map(c => c.task)).toEqual([
      { type: 'ps', index: 0 },
      { type: 'worker', index: 0 },
      { type: 'worker', index: 1 }
    ]);
    await stream.job('tf', running, 'Running');
    await stream.job('tf', succeeded, 'Succeeded');
  });

  test('MPIJob: a hostfile listing the workers; the launcher is <job>-launcher; Succeeded when it ends', async () => {
    await create(spec('mpi', 'mpi'));
    const pods = await awaitPods('mpi', 3);
    expect(pods.map(p => p.metadata!.name)).toEqual([
      'mpi-launcher',
      'mpi-worker-0',
      'mpi-worker-1'
    ]);
    const config = await core.readNamespacedConfigMap({ namespace: ns, name: 'mpi-config' });
    expect(config.data!.hostfile.trim().split('\n')).toEqual([
      'mpi-worker-0 slots=1',
      'mpi-worker-1 slots=1'
    ]);
    expect(envOf(pods[0]).OMPI_MCA_orte_default_hostfile).toBe('/etc/mpi/hostfile');
    // Only the launcher runs the program; the operator gives our command-less workers its idle command.
    expect(pods[0].spec!.containers[0].command).toEqual(['python', '-c', 'print("hi")']);
    expect(pods.slice(1).map(p => p.spec!.containers[0].command)).toEqual([['sleep'], ['sleep']]);
    expect(pods.slice(1).map(p => p.spec!.containers[0].args)).toEqual([['365d'], ['365d']]);
    await stream.job('mpi', running, 'Running');
    const done = await stream.job('mpi', succeeded, 'Succeeded');
    expect(done.replicas.map(r => r.name)).toContain('launcher');
  });

  test('XGBoostJob: MASTER_ADDR, WORLD_SIZE and RANK on master and worker', async () => {
    await create(spec('xgboost', 'xgb'));
    const pods = await awaitPods('xgb', 2);
    expect(pods.map(envOf).map(e => [e.MASTER_ADDR, e.WORLD_SIZE, e.RANK])).toEqual([
      ['xgb-master-0', '2', '0'],
      ['xgb-master-0', '2', '1']
    ]);
    await stream.job('xgb', succeeded, 'Succeeded');
  });

  test('JAXJob: the coordinator address and process ids', async () => {
    await create(spec('jax', 'jax'));
    const pods = await awaitPods('jax', 2);
    const env = pods.map(envOf);
    expect(env.map(e => e.COORDINATOR_ADDRESS)).toEqual(['jax-worker-0', 'jax-worker-0']);
    expect(env.map(e => [e.NUM_PROCESSES, e.PROCESS_ID])).toEqual([
      ['2', '0'],
      ['2', '1']
    ]);
    await stream.job('jax', succeeded, 'Succeeded');
  });

  test('PaddleJob: the master endpoint and the trainer count', async () => {
    await create(spec('paddle', 'pd'));
    const pods = await awaitPods('pd', 2);
    const env = pods.map(envOf);
    // The master advertises its own pod IP (a fieldRef the kubelet expands); the others dial its service.
    expect(env[0].PADDLE_MASTER).toMatch(/^\$\(POD_IP_DUMMY\):\d+$/);
    expect(env[1].PADDLE_MASTER).toMatch(/^pd-master-0:\d+$/);
    expect(env.map(e => e.PADDLE_NNODES)).toEqual(['2', '2']);
    await stream.job('pd', succeeded, 'Succeeded');
  });
});

describe('failures and refusals', () => {
  test('a replica that exits 1 fails the job, with the reason, on the stream', async () => {
    // TFJob replicas default to restartPolicy Never: a failed pod is final (see kwok.ts for OnFailure).
    await create(spec('tensorflow', 'fails', { labels: { [OUTCOME_LABEL]: 'failed' } }));
    const failed = await stream.job('fails', j => j.phase === 'Failed', 'Failed');
    const condition = failed.conditions.find(c => c.type === 'Failed')!;
    expect(condition.status).toBe('True');
    expect(condition.message).toMatch(/fails/);
    expect(condition.reason).toMatch(/Failed/);
    expect(failed.replicas.some(r => r.phase === 'Failed' && r.exitCode === 1)).toBe(true);
  });

  test('a pod asking for more GPUs than the node has stays Pending, Unschedulable, with the reason', async () => {
    await create(
      spec('pytorch', 'greedy', { replicas: { Master: { count: 1 } }, resources: { gpus: 8 } })
    );
    const stuck = await stream.job(
      'greedy',
      j => j.replicas.some(r => r.reason === 'Unschedulable'),
      'Unschedulable'
    );
    expect(stuck.replicas[0].message).toContain('Insufficient nvidia.com/gpu');
  });

  test.each([
    [
      'two volumes at one mount path',
      spec('pytorch', 'dup-mounts', {
        volumes: [
          { claimName: 'a', mountPath: '/data' },
          { claimName: 'b', mountPath: '/data' }
        ]
      }),
      '/volumes/1/mountPath'
    ],
    [
      'a toleration with operator Exists and a value',
      spec('pytorch', 'bad-toleration', {
        tolerations: [{ key: 'gpu', operator: 'Exists', value: 'x' }]
      }),
      '/tolerations/0/value'
    ],
    [
      'a node-selector key whose prefix is no DNS subdomain',
      spec('pytorch', 'bad-selector', { nodeSelector: { '..a/b': 'x' } }),
      '/nodeSelector/..a~1b'
    ],
    [
      'a TrainJob setting PET_NNODES',
      {
        name: 'pet-env',
        framework: 'trainjob',
        replicas: { Node: { count: 2 } },
        runtimeRef: { name: 'torch-distributed' },
        command: ['python', 'train.py'],
        env: { PET_NNODES: '2' }
      } as ITrainingJobSpec,
      '/env/PET_NNODES'
    ]
  ])(
    '%s is refused by the proxy with the field path, and nothing reaches the cluster',
    async (_what, body, path) => {
      const res = await proxy.request('POST', routes.jobs(ns), body);
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual([path]);
      expect(await podsOf(body.name!)).toEqual([]);
      expect(stream.events.flatMap(e => (e.type === 'added' ? [e.object.name] : []))).not.toContain(
        body.name
      );
    }
  );

  test("the operator's webhook is in the path: an object it refuses never reaches the cluster", async () => {
    const err = await custom
      .createNamespacedCustomObject({
        group: 'kubeflow.org',
        version: 'v1',
        namespace: ns,
        plural: 'pytorchjobs',
        body: {
          apiVersion: 'kubeflow.org/v1',
          kind: 'PyTorchJob',
          metadata: { name: 'bogus' },
          spec: {
            pytorchReplicaSpecs: {
              Bogus: { template: { spec: { containers: [{ name: 'pytorch', image: 'x' }] } } }
            }
          }
        }
      })
      .then(
        () => undefined,
        (e: k8s.ApiException<string>) => ({ code: e.code, body: JSON.parse(e.body) })
      );
    expect(err?.code).toBe(403); // controller-runtime's admission.Denied
    expect(err?.body.message).toContain(
      'admission webhook "validator.pytorchjob.training-operator.kubeflow.org" denied the request'
    );
  });
});
