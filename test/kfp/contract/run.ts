/**
 * The kfp.Client contract tests: a real kube-apiserver (the harness's own startCluster + upstream CRDs), two KFP
 * stand-ins (single-user, and multi-user with a profile namespace), then pytest in the kfp venv with the
 * official kfp 2.17.3 client pointed at them. Everything stops when pytest exits; its exit code is ours.
 *
 *   node test/run-ts.js test/kfp/contract/run.ts [JUNIT_XML] [-- PYTEST ARGS…]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startCluster } from '../../apiserver/cluster';
import { installCrds } from '../../apiserver/crds';
import { createNamespace, kubeConfig } from '../../apiserver/helpers';
import { grantKfpAccess, kfpPython, serviceAccountToken, startKfpStandin } from '../standin';

const PROFILE = 'kfp-profile';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const sep = args.indexOf('--');
  const junit = sep === 0 ? undefined : args[0];
  const pytestArgs = sep >= 0 ? args.slice(sep + 1) : [];
  const python = kfpPython();

  const started = Date.now();
  const cluster = await startCluster();
  const stops: Array<() => Promise<void>> = [() => cluster.stop()];
  try {
    const admin = kubeConfig(cluster.adminKubeconfig);
    await installCrds(admin);
    await createNamespace(admin, PROFILE);
    // A profile's notebook identity (granted like kubeflow-edit) and one without any KFP rights.
    const editorToken = await serviceAccountToken(admin, PROFILE, 'default-editor');
    await grantKfpAccess(admin, PROFILE, { serviceAccount: 'default-editor', namespace: PROFILE });
    const outsiderToken = await serviceAccountToken(admin, PROFILE, 'outsider');
    const single = await startKfpStandin({ kubeconfig: cluster.adminKubeconfig });
    stops.unshift(single.stop);
    const multi = await startKfpStandin({ kubeconfig: cluster.adminKubeconfig, multiUser: true });
    stops.unshift(multi.stop);
    process.stderr.write(
      `cluster ${cluster.version} + KFP stand-ins ${single.url} (single-user), ${multi.url} (multi-user) ` +
        `ready in ${Date.now() - started} ms\n`
    );
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(
        python,
        [
          '-m',
          'pytest',
          join(__dirname),
          '-q',
          '-p',
          'no:cacheprovider',
          ...(junit ? [`--junitxml=${junit}`] : []),
          ...pytestArgs
        ],
        {
          stdio: 'inherit',
          env: {
            ...process.env,
            KFP_STANDIN_URL: single.url,
            KFP_STANDIN_MULTI_USER_URL: multi.url,
            KFP_PROFILE: PROFILE,
            KFP_EDITOR_TOKEN: editorToken,
            KFP_OUTSIDER_TOKEN: outsiderToken,
            KFWB_ADMIN_KUBECONFIG: cluster.adminKubeconfig,
            KFP_STANDIN_LOGS: `${single.logFile} ${multi.logFile}`
          }
        }
      );
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    for (const stop of stops) {
      await stop();
    }
  }
}

main().then(
  code => process.exit(code),
  e => {
    process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
  }
);
