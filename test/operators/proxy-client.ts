/**
 * The proxy as the browser and the magics reach it: the real fastify app on a loopback port, on the kubernetes
 * backend of a test cluster, with an SSE reader for the live job stream.
 */
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob, JobStreamEvent } from '../../contract/training';
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

/** Reads the proxy's server-sent events and resolves waits on them (no polling). */
export class JobStream {
  readonly events: JobStreamEvent[] = [];
  private readonly abort = new AbortController();
  private waiters: Array<{
    match: (e: JobStreamEvent) => boolean;
    resolve: (e: JobStreamEvent) => void;
  }> = [];

  constructor(url: string, headers: Record<string, string>) {
    void this.read(url, headers).catch(() => undefined);
  }

  private async read(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, { headers, signal: this.abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter(l => l.startsWith('data: '))
          .map(l => l.slice(6))
          .join('\n');
        if (data) {
          this.push(JSON.parse(data));
        }
      }
    }
  }

  private push(event: JobStreamEvent): void {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  }

  /** The first job state (seen already or still to come) for which test() holds. */
  async job(
    name: string,
    test: (job: IJob) => boolean,
    what: string,
    timeoutMs = 60_000
  ): Promise<IJob> {
    const jobsOf = (e: JobStreamEvent): IJob[] =>
      e.type === 'snapshot'
        ? e.items
        : e.type === 'added' || e.type === 'modified'
          ? [e.object]
          : [];
    const hit = (e: JobStreamEvent) => jobsOf(e).some(j => j.name === name && test(j));
    const seen = this.events.find(hit);
    const event =
      seen ??
      (await new Promise<JobStreamEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          const last = [...this.events]
            .reverse()
            .flatMap(jobsOf)
            .find(j => j.name === name);
          reject(
            new Error(
              `${name}: no ${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`
            )
          );
        }, timeoutMs);
        this.waiters.push({
          match: hit,
          resolve: e => {
            clearTimeout(timer);
            resolve(e);
          }
        });
      }));
    return jobsOf(event).find(j => j.name === name && test(j))!;
  }

  close(): void {
    this.abort.abort();
  }
}
