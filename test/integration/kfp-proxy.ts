/**
 * The real proxy app (fastify on a loopback port) on the kubernetes backend, with KFP options, for the KFP
 * integration tests; and a reader of its live run stream that waits for a run state (no sleeping).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IRun } from '../../contract/pipeline';
import { routes } from '../../contract/routes';
import { connectKubernetes, IKubernetesOptions } from '../../proxy/src/backends/kubernetes';
import { createLocalBackend } from '../../proxy/src/backends/local';
import { BackendHolder } from '../../proxy/src/backends/select';
import { LiveStream } from '../apiserver/live-stream';
import { ITestProxy, serveTestProxy } from '../apiserver/test-proxy';

const TOKEN = 'kfp-integration-token-0123456789';
export const REPO = resolve(__dirname, '../..');

export interface IProxy extends ITestProxy {
  runs(namespace: string): RunStream;
}

/** `kind: 'local'` runs the local backend (KFP by a configured URL only); else the kubernetes backend. */
export async function startProxy(
  kubeconfig: string,
  kfp: IKubernetesOptions['kfp'],
  kind: 'kubernetes' | 'local' = 'kubernetes'
): Promise<IProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-kfp-proxy-'));
  const backends = new BackendHolder(
    { selection: kind, stateDir, kubeconfig, rootDir: REPO },
    {
      local: async () => createLocalBackend({ stateDir, rootDir: REPO, kfp }),
      kubernetes: async () => connectKubernetes({ stateDir, kubeconfig, rootDir: REPO, kfp })
    }
  );
  const proxy = await serveTestProxy(backends, TOKEN, REPO);
  return {
    ...proxy,
    runs: namespace =>
      proxy.follow(new RunStream(proxy.url + routes.watchRuns(namespace), proxy.headers))
  };
}

/** The proxy's run stream. */
export class RunStream extends LiveStream<IRun> {
  constructor(url: string, headers: Record<string, string>) {
    super(url, headers, 'run');
  }

  /** The first state of run `name` (seen already or still to come) for which `test` holds. */
  run(name: string, test: (run: IRun) => boolean, what: string, timeoutMs = 30_000): Promise<IRun> {
    return this.item(name, test, what, timeoutMs);
  }
}
