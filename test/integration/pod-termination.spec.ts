/**
 * The grace period and `Terminating` on the kubernetes backend, against a real kube-apiserver with the upstream
 * CRDs: `terminationGracePeriodSeconds` reaches every pod template (the structural schema keeps it), and a pod
 * being deleted (deletionTimestamp set, held here by a finalizer in place of a kubelet running out the grace
 * period) shows its replica as Terminating until it is gone.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob } from '../../contract/training';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { kindOfFramework } from '../../proxy/src/backends/kubernetes/kinds';
import { IBackend } from '../../proxy/src/backends/types';
import { clusterInfo, createOperatorPods, freshNamespace, kubeConfig } from '../apiserver/helpers';

const info = clusterInfo();
const adminKc = kubeConfig(info.adminKubeconfig);
const core = adminKc.makeApiClient(k8s.CoreV1Api);
const custom = adminKc.makeApiClient(k8s.CustomObjectsApi);
const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-k8s-termination-'));
const FINALIZER = 'kubeflow-workbench.test/hold';
let ns: string;
let backend: IBackend;

beforeAll(async () => {
  ns = await freshNamespace(adminKc, 'term');
  backend = await connectKubernetes({ stateDir, kubeconfig: info.adminKubeconfig, namespace: ns });
});

afterAll(async () => {
  await backend.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** The job as the backend's watch shows it, once it matches. */
function until(name: string, test: (job: IJob) => boolean, what: string): Promise<IJob> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.close();
      reject(new Error(`timed out waiting for ${name}: ${what}`));
    }, 20000);
    const subscription = backend.jobs.watch(ns, event => {
      const jobs =
        event.type === 'snapshot' ? event.items : event.type === 'deleted' ? [] : [event.object];
      const job = jobs.find(j => j.name === name && test(j));
      if (job) {
        clearTimeout(timer);
        subscription.close();
        resolve(job);
      }
    });
  });
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

test('terminationGracePeriodSeconds reaches every pod template of the stored job', async () => {
  await backend.jobs.create(ns, {
    name: 'grace',
    framework: 'pytorch',
    replicas: { Master: { count: 1 }, Worker: { count: 2 } },
    command: ['python', '-c', 'print(1)'],
    terminationGracePeriodSeconds: 75
  });
  const { group, version, plural } = kindOfFramework('pytorch');
  const stored = (await custom.getNamespacedCustomObject({
    group,
    version,
    plural,
    namespace: ns,
    name: 'grace'
  })) as {
    spec: { pytorchReplicaSpecs: Record<string, { template: { spec: Record<string, unknown> } }> };
  };
  const graces = Object.values(stored.spec.pytorchReplicaSpecs).map(
    r => r.template.spec.terminationGracePeriodSeconds
  );
  expect(graces).toEqual([75, 75]);
});

test('a pod within its grace period shows its replica as Terminating, then it is gone', async () => {
  await backend.jobs.create(ns, {
    name: 'stopping',
    framework: 'pytorch',
    replicas: { Worker: { count: 1 } },
    command: ['python', '-c', 'print(1)']
  });
  const [pod] = await createOperatorPods(adminKc, ns, 'stopping', 'PyTorchJob', [
    { type: 'Worker', index: 0, phase: 'Running', state: { running: {} } }
  ]);
  const name = pod.metadata!.name!;
  await core.patchNamespacedPod(
    { namespace: ns, name, body: { metadata: { finalizers: [FINALIZER] } } },
    mergePatch
  );
  await until('stopping', j => j.replicas[0]?.phase === 'Running', 'worker-0 Running');

  await core.deleteNamespacedPod({ namespace: ns, name, gracePeriodSeconds: 30 });
  const terminating = await until(
    'stopping',
    j => j.replicas[0]?.phase === 'Terminating',
    'worker-0 Terminating'
  );
  expect(terminating.replicas[0]).toMatchObject({ name: 'worker-0', phase: 'Terminating' });

  await core.patchNamespacedPod(
    { namespace: ns, name, body: { metadata: { finalizers: null } } },
    mergePatch
  );
  await until('stopping', j => j.replicas.length === 0, 'worker-0 gone');
});
