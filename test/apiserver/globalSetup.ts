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
import { createNamespace, grantAlice, IClusterInfo, kubeConfig, TEAM_A } from './helpers';

declare global {
  // Read back by globalTeardown, which runs in the same process.
  var __KFWB_CLUSTER__: TestCluster | undefined;
  var __KFWB_CONTROL__: Server | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const cluster = await startCluster();
  globalThis.__KFWB_CLUSTER__ = cluster;
  const admin = kubeConfig(cluster.adminKubeconfig);
  await installCrds(admin);
  await createNamespace(admin, TEAM_A);
  await grantAlice(admin, TEAM_A);

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
  globalThis.__KFWB_CONTROL__ = control;

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
  process.env.KFWB_TEST_CLUSTER = infoFile;
  process.stderr.write(
    `\ntest cluster ${cluster.version} ready at ${cluster.server} in ${Date.now() - started} ms\n`
  );
}
