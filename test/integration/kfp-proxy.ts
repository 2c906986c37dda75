/**
 * The real proxy app (fastify on a loopback port) on the kubernetes backend, with KFP options, for the KFP
 * integration tests; and a reader of its live run stream that waits for a run state (no sleeping).
 */
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ResourceEvent } from '../../contract/live';
import { IRun } from '../../contract/pipeline';
import { routes, TOKEN_HEADER } from '../../contract/routes';
import { createApp } from '../../proxy/src/app';
import { connectKubernetes, IKubernetesOptions } from '../../proxy/src/backends/kubernetes';
import { createLocalBackend } from '../../proxy/src/backends/local';
import { BackendHolder } from '../../proxy/src/backends/select';

const TOKEN = 'kfp-integration-token-0123456789';
export const REPO = resolve(__dirname, '../..');

export interface IProxy {
  url: string;
  request(
    method: string,
    path: string,
    body?: unknown
  ): Promise<{ status: number; body: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  runs(namespace: string): RunStream;
  close(): Promise<void>;
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
  await backends.select();
  const app = createApp({
    token: TOKEN,
    backends,
    rootDir: REPO,
    versions: { proxy: '0.0.0-test', node: process.version, clientNode: '1.4.0' }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const streams: RunStream[] = [];
  return {
    url,
    async request(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { [TOKEN_HEADER]: TOKEN, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, text };
    },
    runs(namespace) {
      const stream = new RunStream(url + routes.watchRuns(namespace), { [TOKEN_HEADER]: TOKEN });
      streams.push(stream);
      return stream;
    },
    async close() {
      streams.forEach(s => s.close());
      await backends.close();
      await app.close();
    }
  };
}

/** The proxy's run stream (server-sent events), read as the browser's EventSource would. */
export class RunStream {
  readonly events: ResourceEvent<IRun>[] = [];
  private readonly abort = new AbortController();
  private waiters: {
    match: (e: ResourceEvent<IRun>) => boolean;
    resolve: (e: ResourceEvent<IRun>) => void;
  }[] = [];

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

  private push(event: ResourceEvent<IRun>): void {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  }

  /** The first state of run `name` (seen already or still to come) for which `test` holds. */
  async run(
    name: string,
    test: (run: IRun) => boolean,
    what: string,
    timeoutMs = 30_000
  ): Promise<IRun> {
    const runsOf = (e: ResourceEvent<IRun>): IRun[] =>
      e.type === 'snapshot'
        ? e.items
        : e.type === 'added' || e.type === 'modified'
          ? [e.object]
          : [];
    const hit = (e: ResourceEvent<IRun>) => runsOf(e).some(r => r.name === name && test(r));
    const event =
      this.events.find(hit) ??
      (await new Promise<ResourceEvent<IRun>>((resolve, reject) => {
        const timer = setTimeout(() => {
          const last = [...this.events]
            .reverse()
            .flatMap(runsOf)
            .find(r => r.name === name);
          reject(
            new Error(
              `run ${name}: no ${what} within ${timeoutMs} ms; last seen ${JSON.stringify(last)}`
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
    return runsOf(event).find(r => r.name === name && test(r))!;
  }

  close(): void {
    this.abort.abort();
  }
}
