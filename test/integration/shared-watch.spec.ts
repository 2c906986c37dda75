/**
 * Many browsers, one upstream watch, against the real apiserver: the proxy app (kubernetes backend) talks to
 * the apiserver through a counting HTTP forwarder on loopback, which records every request the backend's
 * kubernetes client sends; SSE clients of `GET …/watch/jobs` all get the same events while the apiserver sees
 * the lists and watches of ONE client, and the watches end when the last client leaves.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IJob } from '../../contract/training';
import { createApp } from '../../proxy/src/app';
import { connectKubernetes } from '../../proxy/src/backends/kubernetes';
import { BackendHolder } from '../../proxy/src/backends/select';
import { clusterInfo, createOperatorPods, freshNamespace, kubeConfig } from '../apiserver/helpers';

const info = clusterInfo();
const admin = kubeConfig(info.adminKubeconfig);
const TOKEN = 'shared-watch-test-token-0123456789';
const CLIENTS = 6;

interface IUpstreamRequest {
  method: string;
  path: string;
  labelSelector: string;
  watch: boolean;
}

/** Forwards plain HTTP on loopback to the apiserver's HTTPS, recording each request and the open watches. */
class CountingForwarder {
  readonly requests: IUpstreamRequest[] = [];
  private openWatches = 0;
  private onAllClosed?: () => void;
  private readonly onRequest = new Set<() => void>();
  private readonly server: http.Server;
  private readonly ca = readFileSync(info.caFile);

  constructor() {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', info.server);
      const watch = url.searchParams.get('watch') === 'true';
      this.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        labelSelector: url.searchParams.get('labelSelector') ?? '',
        watch
      });
      this.onRequest.forEach(notify => notify());
      const upstream = https.request(
        url,
        { method: req.method, headers: { ...req.headers, host: url.host }, ca: this.ca },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          // As the apiserver does: a watch's headers go out before its first event.
          res.flushHeaders();
          answer.pipe(res);
        }
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      if (watch) {
        this.openWatches += 1;
        res.on('close', () => {
          upstream.destroy();
          this.openWatches -= 1;
          if (this.openWatches === 0) {
            this.onAllClosed?.();
          }
        });
      }
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once no watch is open (immediately if none is). */
  watchesClosed(): Promise<void> {
    return new Promise(resolve => {
      this.onAllClosed = resolve;
      if (this.openWatches === 0) {
        resolve();
      }
    });
  }

  /** Resolves once `test` holds for the requests seen so far. */
  until(test: () => boolean): Promise<void> {
    return new Promise(resolve => {
      const check = () => {
        if (test()) {
          this.onRequest.delete(check);
          resolve();
        }
      };
      this.onRequest.add(check);
      check();
    });
  }

  of(namespace: string, watch: boolean): string[] {
    return this.requests
      .filter(r => r.watch === watch && r.path.includes(`/namespaces/${namespace}/`))
      .map(r => `${r.method} ${r.path}${r.labelSelector ? `?${r.labelSelector}` : ''}`)
      .sort();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

/** An SSE client of the proxy: records events, resolves waits on a predicate over what it has seen. */
class SseClient {
  readonly events: { type: string; data: string }[] = [];
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private req?: http.ClientRequest;

  constructor(private readonly url: string) {}

  open(): this {
    this.req = http.get(this.url, { headers: { 'x-kubeflow-workbench-token': TOKEN } }, res => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks.filter(b => b.startsWith('event: '))) {
          const [event, data] = block.split('\n');
          this.events.push({ type: event.slice(7), data: data.slice(6) });
        }
        this.waiters.filter(w => w.test()).forEach(w => w.resolve());
      });
    });
    return this;
  }

  until(test: (events: { type: string; data: string }[]) => boolean): Promise<void> {
    return new Promise(resolve => {
      const waiter = { test: () => test(this.events), resolve };
      this.waiters.push(waiter);
      if (waiter.test()) {
        resolve();
      }
    });
  }

  close(): void {
    this.req?.destroy();
  }
}

const jobOf = (event: { type: string; data: string }): IJob | undefined =>
  event.type === 'snapshot'
    ? (JSON.parse(event.data).items as IJob[])[0]
    : event.type === 'modified'
      ? (JSON.parse(event.data).object as IJob)
      : undefined;

describe('SSE clients of one namespace share one upstream list+watch', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kfwb-shared-watch-'));
  const forwarder = new CountingForwarder();
  let backends: BackendHolder;
  let app: ReturnType<typeof createApp>;
  let base: string;
  let ns: string;

  beforeAll(async () => {
    const server = await forwarder.listen();
    const kubeconfig = join(stateDir, 'counted.kubeconfig');
    // The harness writes kubeconfigs as JSON. Plain http to the forwarder is allowed only when asked for.
    const config = JSON.parse(readFileSync(info.adminKubeconfig, 'utf8'));
    config.clusters[0].cluster = { server, 'insecure-skip-tls-verify': true };
    writeFileSync(kubeconfig, JSON.stringify(config));
    backends = new BackendHolder(
      { selection: 'kubernetes', stateDir },
      {
        kubernetes: () => connectKubernetes({ stateDir, kubeconfig }),
        local: () => Promise.reject(new Error('no local backend in this test'))
      }
    );
    await backends.select();
    app = createApp({
      token: TOKEN,
      backends,
      versions: { proxy: 'test', node: process.version, clientNode: 'test' }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    ns = await freshNamespace(admin, 'shared-watch');
    await admin.makeApiClient(k8s.CustomObjectsApi).createNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      plural: 'pytorchjobs',
      namespace: ns,
      body: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: { name: 'shared' },
        spec: {
          pytorchReplicaSpecs: {
            Master: {
              replicas: 1,
              template: { spec: { containers: [{ name: 'pytorch', image: 'python:3.11-slim' }] } }
            }
          }
        }
      }
    });
  });

  afterAll(async () => {
    await app?.close();
    await backends?.close();
    await forwarder.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('one list and one watch per stream for all clients; every client sees the same events', async () => {
    const url = `${base}/api/v1/namespaces/${ns}/watch/jobs`;
    const first = new SseClient(url).open();
    await first.until(events => events.some(e => e.type === 'snapshot'));
    // The watches start right after the lists that made the snapshot.
    await forwarder.until(() => forwarder.of(ns, true).length >= 9);
    const listsOfOne = forwarder.of(ns, false);
    const watchesOfOne = forwarder.of(ns, true);
    // Seven job kinds and the pods of both job-name labels: each listed (plus the access check) and watched once.
    expect(watchesOfOne).toHaveLength(9);
    expect(new Set(watchesOfOne).size).toBe(9);
    expect(watchesOfOne).toContain(
      `GET /api/v1/namespaces/${ns}/pods?training.kubeflow.org/job-name`
    );

    const others = Array.from({ length: CLIENTS - 1 }, () => new SseClient(url).open());
    await Promise.all(others.map(c => c.until(events => events.length > 0)));
    const clients = [first, ...others];
    for (const client of others) {
      expect(client.events[0].type).toBe('snapshot');
      expect(JSON.parse(client.events[0].data).items).toEqual(
        JSON.parse(first.events[0].data).items
      );
    }

    // A pod appears and turns ImagePullBackOff: the job's replica changes on every client.
    await createOperatorPods(admin, ns, 'shared', 'PyTorchJob', [
      {
        type: 'Master',
        index: 0,
        phase: 'Pending',
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } }
      }
    ]);
    const pulled = (events: { type: string; data: string }[]) =>
      events.some(e => jobOf(e)?.replicas.some(r => r.reason === 'ImagePullBackOff'));
    await Promise.all(clients.map(c => c.until(pulled)));

    // Still the one client's lists and watches: joining and the pod events asked the apiserver nothing.
    expect(forwarder.of(ns, false)).toEqual(listsOfOne);
    expect(forwarder.of(ns, true)).toEqual(watchesOfOne);
    const after = (c: SseClient) => c.events.slice(1).map(e => `${e.type} ${e.data}`);
    for (const client of others) {
      expect(after(client)).toEqual(after(first));
    }
    expect(after(first).length).toBeGreaterThan(0);

    const closed = forwarder.watchesClosed();
    clients.forEach(c => c.close());
    await closed;
    expect(forwarder.of(ns, true)).toEqual(watchesOfOne);

    // The next client after everyone left starts a new list+watch.
    const again = new SseClient(url).open();
    await again.until(events => events.some(e => e.type === 'snapshot'));
    await forwarder.until(() => forwarder.of(ns, true).length >= 18);
    expect(forwarder.of(ns, true)).toEqual([...watchesOfOne, ...watchesOfOne].sort());
    expect(jobOf(again.events[0])?.replicas.map(r => r.reason)).toEqual(['ImagePullBackOff']);
    const closedAgain = forwarder.watchesClosed();
    again.close();
    await closedAgain;
  });
});
