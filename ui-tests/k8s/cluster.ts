/**
 * The `operators` test cluster, standalone, for the Galata tests in kubernetes mode: kube-apiserver + etcd with
 * the upstream CRDs, the real Training Operator (controllers + webhook), a kwok node and the binder — started by
 * the harness's own setUpCluster, exactly as the jest `operators` project starts it.
 *
 *   node ui-tests/k8s/run.js [-- COMMAND ARGS…]
 *
 * Prints the admin and alice kubeconfig paths (and writes them as JSON to $KFWB_K8S_CLUSTER_INFO when set), then
 * runs COMMAND, if given, as alice in team-a on the kubernetes backend. Everything stops on SIGTERM/SIGINT or
 * when COMMAND exits (the harness's exit hook kills its processes and removes the cluster dir).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CLUSTER_ENV, setUpCluster } from '../../test/apiserver/globalSetup';
import { IClusterInfo, kubeConfig, TEAM_A } from '../../test/apiserver/helpers';
import { startImagePullBackOff } from './image-pull';
import { startKfpTestPeer } from './kfp';

async function main(): Promise<void> {
  const sep = process.argv.indexOf('--');
  const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
  await setUpCluster({ trainingOperator: true }, CLUSTER_ENV.operators);
  const info: IClusterInfo = JSON.parse(readFileSync(process.env[CLUSTER_ENV.operators]!, 'utf8'));
  const stopPulls = startImagePullBackOff(kubeConfig(info.adminKubeconfig));
  // Kubeflow Pipelines for the tests: the stand-in, its runs in team-a; the proxy finds it by KF_PIPELINES_ENDPOINT.
  // Started by the harness's startProcess, so its exit hook stops it with the cluster.
  const kfp = await startKfpTestPeer(info.adminKubeconfig, TEAM_A, 'alice');

  const infoFile = process.env.KFWB_K8S_CLUSTER_INFO;
  if (infoFile) {
    const shared = { ...info, kfp: { url: kfp.standin.url, control: kfp.control } };
    writeFileSync(infoFile, JSON.stringify(shared, null, 2), { mode: 0o600 });
  }
  process.stdout.write(
    `admin kubeconfig: ${info.adminKubeconfig}\nalice kubeconfig: ${info.aliceKubeconfig}\n` +
      `kfp stand-in: ${kfp.standin.url} (control ${kfp.control})\n`
  );

  let child: ChildProcess | undefined;
  process.on('exit', () => {
    stopPulls();
    child?.kill('SIGTERM');
    if (infoFile) {
      rmSync(infoFile, { force: true });
    }
  });
  if (command.length > 0) {
    child = spawn(command[0], command.slice(1), {
      stdio: 'inherit',
      env: {
        ...process.env,
        KFWB_BACKEND: 'kubernetes',
        KUBECONFIG: info.aliceKubeconfig,
        KFWB_NAMESPACE: TEAM_A,
        KF_PIPELINES_ENDPOINT: kfp.standin.url,
        // No KFP UI here: the run pages' links point at the stand-in (the test checks the link, not the page).
        KF_PIPELINES_UI_ENDPOINT: kfp.standin.url,
        // Single-user KFP runs its Workflows in one namespace: the stand-in's, team-a (alice may read there).
        KFWB_KFP_WORKFLOW_NAMESPACE: TEAM_A
      }
    });
    child.on('exit', code => process.exit(code ?? 1));
  } else {
    setInterval(() => undefined, 1 << 30); // the cluster runs until a signal
  }
  // SIGTERM/SIGINT: the harness (test/apiserver/processes.ts) exits, and its exit hook stops the cluster.
}

main().catch(e => {
  process.stderr.write(`test cluster failed to start: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
