/**
 * The proxy as the browser and the magics reach it: the real fastify app on a loopback port, on the kubernetes
 * backend of a test cluster, with an SSE reader for the live job stream.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob } from '../../contract/training';
import { LiveStream } from '../apiserver/live-stream';
import { ITestProxy, serveTestProxy } from '../apiserver/test-proxy';
import { routes } from '../../contract/routes';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { BackendHolder } from '../../proxy/src/backends/select';

const TOKEN = 'operators-test-token-0123456789';

export interface IProxy extends ITestProxy {
  stream(namespace: string): JobStream;
}

export async function startProxy(kubeconfig: string): Promise<IProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-operators-proxy-'));
  const backends = new BackendHolder(
    { selection: 'kubernetes', stateDir, kubeconfig },
    {
      local: async () => {
        throw new Error('no local backend in this test');
      },
      kubernetes: async () => connectKubernetes({ stateDir, kubeconfig })
    }
  );
  const proxy = await serveTestProxy(backends, TOKEN);
  return {
    ...proxy,
    stream: namespace =>
      proxy.follow(new JobStream(proxy.url + routes.watchJobs(namespace), proxy.headers))
  };
}

/** The proxy's job stream. */
export class JobStream extends LiveStream<IJob> {
  constructor(url: string, headers: Record<string, string>) {
    super(url, headers, 'job');
  }

  /** The first state of job `name` (seen already or still to come) for which test() holds. */
  job(name: string, test: (job: IJob) => boolean, what: string, timeoutMs = 60_000): Promise<IJob> {
    return this.item(name, test, what, timeoutMs);
  }
}
