/**
 * jest globalSetup of the `integration` project: a real apiserver with our CRDs, users and RBAC, shared by every
 * integration test file of the run. Connection info goes to a JSON file named by $KFWB_TEST_CLUSTER (env vars
 * set here reach the test workers).
 */
import { writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startCluster, TestCluster } from './cluster';
import { installCrds } from './crds';
import {
  createNamespace,
  grantAlice,
  IClusterInfo,
  KATIB_METRICS_LABEL,
  kubeConfig,
  TEAM_A
} from './helpers';
import { operatorBinaries } from '../operators/binaries';
import { grantKatibReadOnly, KATIB_USER, startKatib } from '../operators/katib';
import { startKwok } from '../operators/kwok';
import { startTrainingOperator } from '../operators/training-operator';
import { kfpPython } from '../kfp/standin';

export interface IRunningCluster {
  cluster: TestCluster;
  control: Server;
  /** Operators started with the cluster, stopped by globalTeardown before it. */
  stoppers: Array<() => Promise<void>>;
}

declare global {
  // Read back by globalTeardown, which runs in the same process; keyed by the env var naming the cluster, so
  // the `integration` and `operators` projects can run in one jest invocation.
  var __KFWB_CLUSTERS__: Record<string, IRunningCluster> | undefined;
}

/** The env var naming the JSON connection file of each project's cluster (read by clusterInfo()). */
export const CLUSTER_ENV = {
  integration: 'KFWB_TEST_CLUSTER',
  operators: 'KFWB_OPERATORS_CLUSTER'
} as const;

export interface ISetupOptions {
  /** katib-controller's Experiment webhooks (every Experiment is admitted by Katib itself). */
  katib?: boolean;
  /** The real Training Operator (controllers + webhook) and a kwok node with a binder: jobs get real pods. */
  trainingOperator?: boolean;
}

/** The `integration` project: upstream CRDs and Katib's webhooks; the tests play the controllers. */
export default async function globalSetup(): Promise<void> {
  // The KFP stand-in's venv (test/kfp/venv.sh): a first install must not be charged to one test's timeout.
  kfpPython();
  await setUpCluster({ katib: true }, CLUSTER_ENV.integration);
}

export async function setUpCluster(opts: ISetupOptions, envVar: string): Promise<void> {
  const started = Date.now();
  // Build (or find) the operator binaries before the cluster starts: a cold build takes minutes.
  const operatorBin = opts.katib || opts.trainingOperator ? operatorBinaries() : '';
  const cluster = await startCluster({ users: opts.katib ? [KATIB_USER] : [] });
  const stoppers: Array<() => Promise<void>> = [];
  const clusters = (globalThis.__KFWB_CLUSTERS__ ??= {});
  const admin = kubeConfig(cluster.adminKubeconfig);
  await installCrds(admin);
  // Like a Kubeflow profile namespace, which carries Katib's label (its webhook refuses Experiments elsewhere).
  await createNamespace(admin, TEAM_A, { [KATIB_METRICS_LABEL]: 'enabled' });
  await grantAlice(admin, TEAM_A);
  const running: string[] = [];
  if (opts.katib) {
    await grantKatibReadOnly(admin);
    const katib = await startKatib({
      bin: operatorBin,
      admin,
      kubeconfig: cluster.userKubeconfigs[KATIB_USER],
      dir: cluster.dir
    });
    stoppers.push(katib.stop);
    running.push('katib-controller webhooks');
  }
  if (opts.trainingOperator) {
    const ctx = {
      bin: operatorBin,
      admin,
      adminKubeconfig: cluster.adminKubeconfig,
      dir: cluster.dir
    };
    const kwok = await startKwok(ctx);
    stoppers.push(kwok.stop);
    const operator = await startTrainingOperator(ctx);
    stoppers.push(operator.stop);
    running.push(`training-operator ${operator.version}`, 'kwok');
  }

  // Test files run in other module registries (or workers) and cannot hold the process handles; a restart goes
  // through this loopback endpoint to the process that owns the cluster.
  const control = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/restart-apiserver') {
      cluster.restartApiserver().then(
        () => res.end('ok'),
        (e: Error) => res.writeHead(500).end(e.message)
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => control.listen(0, '127.0.0.1', resolve));
  control.unref();
  clusters[envVar] = { cluster, control, stoppers };

  const info: IClusterInfo = {
    server: cluster.server,
    adminKubeconfig: cluster.adminKubeconfig,
    aliceKubeconfig: cluster.aliceKubeconfig,
    adminToken: cluster.adminToken,
    aliceToken: cluster.aliceToken,
    caFile: cluster.caFile,
    version: cluster.version,
    etcdUrl: cluster.etcdUrl,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`
  };
  const infoFile = join(cluster.dir, 'cluster.json');
  writeFileSync(infoFile, JSON.stringify(info, null, 2), { mode: 0o600 });
  process.env[envVar] = infoFile;
  process.stderr.write(
    `\ntest cluster ${cluster.version} (+ ${running.join(', ') || 'no operators'}) ready at ${cluster.server} in ${Date.now() - started} ms\n`
  );
}
