/** jest globalTeardown of the `integration` project: stops the operators, kube-apiserver and etcd. */
import { CLUSTER_ENV } from './globalSetup';
import { killAll } from './processes';

export async function tearDownCluster(envVar: string): Promise<void> {
  const running = globalThis.__KFWB_CLUSTERS__?.[envVar];
  if (!running) {
    return;
  }
  delete globalThis.__KFWB_CLUSTERS__![envVar];
  running.control.close();
  try {
    for (const stop of [...running.stoppers].reverse()) {
      await stop().catch(() => undefined);
    }
    await running.cluster.stop();
  } finally {
    if (Object.keys(globalThis.__KFWB_CLUSTERS__!).length === 0) {
      killAll(); // anything a failed stop() left behind
    }
  }
}

export default async function globalTeardown(): Promise<void> {
  await tearDownCluster(CLUSTER_ENV.integration);
}
