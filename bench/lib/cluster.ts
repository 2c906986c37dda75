/**
 * One test cluster for every benchmark of a run: the integration harness's etcd + kube-apiserver, our CRDs, and
 * the namespaces each benchmark needs, filled only when that benchmark is selected (10,000 jobs take minutes).
 */
import * as k8s from '@kubernetes/client-node';
import { installCrds } from '../../test/apiserver/crds';
import { startCluster, TestCluster } from '../../test/apiserver/cluster';
import { createNamespace, kubeConfig } from '../../test/apiserver/helpers';
import { createJobs, KINDS } from './jobs';

export interface IBenchCluster {
  cluster: TestCluster;
  admin: k8s.KubeConfig;
}

export async function startBenchCluster(): Promise<IBenchCluster> {
  const started = performance.now();
  const cluster = await startCluster();
  try {
    const admin = kubeConfig(cluster.adminKubeconfig);
    await installCrds(admin);
    log(`cluster ${cluster.version} with CRDs ready in ${seconds(started)}`);
    return { cluster, admin };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

/**
 * A namespace with `pytorch` PyTorchJobs and `othersEach` jobs of each of the six other kinds.
 * `running` also writes a Created+Running status on every PyTorchJob (one more request per job).
 */
export async function seedNamespace(
  admin: k8s.KubeConfig,
  namespace: string,
  opts: { pytorch: number; othersEach?: number; inFlight: number; running?: boolean }
): Promise<void> {
  const started = performance.now();
  await createNamespace(admin, namespace);
  await createJobs(admin, namespace, 'PyTorchJob', opts.pytorch, { inFlight: opts.inFlight, running: opts.running });
  for (const kind of Object.keys(KINDS).filter(k => k !== 'PyTorchJob')) {
    await createJobs(admin, namespace, kind, opts.othersEach ?? 0, { inFlight: opts.inFlight });
  }
  const total = opts.pytorch + 6 * (opts.othersEach ?? 0);
  log(`namespace ${namespace}: ${total} jobs created (${opts.inFlight} in flight) in ${seconds(started)}`);
}

export const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
