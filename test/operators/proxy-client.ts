/**
 * The proxy as the browser and the magics reach it: the real fastify app on a loopback port, on the kubernetes
 * backend of a test cluster, with an SSE reader for the live job stream.
 */
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob } from '../../contract/training';
import { LiveStream } from '../apiserver/live-stream';
import { routes, TOKEN_HEADER } from '../../contract/routes';
import { createApp } from '../../proxy/src/app';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { BackendHolder } from '../../proxy/src/backends/select';

const TOKEN = 'operators-test-token-0123456789';

export interface IProxy {
  url: string;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stream(namespace: string): JobStream;
  close(): Promise<void>;
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
  await backends.select();
  const app = createApp({
    token: TOKEN,
    backends,
    versions: { proxy: '0.0.0-test', node: process.version, clientNode: '1.4.0' }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const streams: JobStream[] = [];
  return {
    url,
    async request(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { [TOKEN_HEADER]: TOKEN, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    stream(namespace) {
      const s = new JobStream(url + routes.watchJobs(namespace), { [TOKEN_HEADER]: TOKEN });
      streams.push(s);
      return s;
    },
    async close() {
      streams.forEach(s => s.close());
      await backends.current.close();
      await app.close();
    }
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
