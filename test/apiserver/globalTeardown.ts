/** jest globalTeardown of the `integration` project: stops kube-apiserver and etcd, removes their data. */
import { killAll } from './processes';

export default async function globalTeardown(): Promise<void> {
  globalThis.__KFWB_CONTROL__?.close();
  try {
    await globalThis.__KFWB_CLUSTER__?.stop();
  } finally {
    globalThis.__KFWB_CLUSTER__ = undefined;
    killAll(); // anything a failed stop() left behind
  }
}
