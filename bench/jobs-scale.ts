/**
 * Benchmark 4 (issue 12): the live job stream at scale. Per size (PyTorchJobs with 2 pods each, labelled as
 * the operator labels them), against the real apiserver:
 *   - first snapshot of `GET …/watch/jobs` through a fresh proxy vs a plain list of the same objects (the 7 job
 *     kinds + the 2 pod lists the watch makes, raw JSON through the proxy's own kubernetes client, parsed);
 *   - the watch in this process (the proxy's watchJobs): time to assemble the snapshot once the lists are in,
 *     and the time one pod event takes to handle (reducer, index, the job's IJob) — synchronous, so timed
 *     around the watch callback;
 *   - a pod status change → the proxy's SSE client, and → a direct pod watch (the reference);
 *   - 50 SSE clients of the namespace: the proxy's RSS with 1 and with 50, and how long the 49 joiners took.
 * Measurements, not tests: nothing asserts a time.
 */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { JobStreamEvent } from '../contract/training';
import { IKubeClient, openCluster } from '../proxy/src/backends/kubernetes/client';
import { watchJobs } from '../proxy/src/backends/kubernetes/watch';
import { createNamespace } from '../test/apiserver/helpers';
import { log, seconds } from './lib/cluster';
import { createJobs, jobName, KINDS, pool } from './lib/jobs';
import { IRunningProxy, TOKEN_HEADER } from './lib/proxy';
import { subscribe } from './lib/sse';
import { median, ms, percentile, table } from './lib/stats';

const JOB_LABEL = 'training.kubeflow.org/job-name';
const POD_SELECTORS = [JOB_LABEL, 'jobset.sigs.k8s.io/jobset-name'];
const TRIES = Number(process.env.KFWB_BENCH_TRIES ?? 5);
const POD_EVENTS = 20;
/**
 * Watchers per size (KFWB_BENCH_WATCHERS=50 or one count per KFWB_BENCH_SCALE size, e.g. 50,5). Before the
 * shared watch, 50 watchers of 10,000 jobs were 50 lists of 30,000 objects at once: the test apiserver grew
 * to 16.7 GB and was OOM-killed, so a run of the old code asks for fewer there.
 */
const WATCHER_COUNTS = (process.env.KFWB_BENCH_WATCHERS ?? '50').split(',').map(Number);
const watchersOf = (index: number) => WATCHER_COUNTS[Math.min(index, WATCHER_COUNTS.length - 1)];
/** The old code needed minutes per watcher at 10,000 jobs: give up on the 50 watchers after this. */
const WATCHERS_DEADLINE_MS = 180_000;
const WAIT_MS = 30_000;
/** The old code took ~33 s for the snapshot of 10,000 jobs. */
const SNAPSHOT_WAIT_MS = 180_000;

export interface IScaleCase {
  namespace: string;
  jobs: number;
}

const podsPath = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
const podName = (job: string, type: string) => `${job}-${type}-0`;

/** `jobs` PyTorchJobs (no status) and a master and a worker pod for each, as the operator names them. */
export async function seedScale(
  admin: k8s.KubeConfig,
  kubeconfig: string,
  c: IScaleCase
): Promise<void> {
  const started = performance.now();
  const client = openCluster({ kubeconfig });
  await createNamespace(admin, c.namespace);
  await createJobs(admin, c.namespace, 'PyTorchJob', c.jobs, { prefix: 'job', inFlight: 50 });
  await pool(c.jobs * 2, 50, async i => {
    const job = jobName('job', Math.floor(i / 2));
    const type = i % 2 === 0 ? 'master' : 'worker';
    await client.request('POST', podsPath(c.namespace), {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName(job, type),
          labels: {
            [JOB_LABEL]: job,
            'training.kubeflow.org/operator-name': 'pytorchjob-controller',
            'training.kubeflow.org/replica-type': type,
            'training.kubeflow.org/replica-index': '0',
            ...(type === 'master' ? { 'training.kubeflow.org/job-role': 'master' } : {})
          }
        },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'pytorch', image: 'python:3.11-slim' }]
        }
      }
    });
  });
  log(
    `namespace ${c.namespace}: ${c.jobs} jobs + ${c.jobs * 2} pods created in ${seconds(started)}`
  );
}

/** A pod's container turns ImagePullBackOff with a unique message (what the job card shows). */
function patchPod(client: IKubeClient, ns: string, pod: string, message: string): Promise<unknown> {
  return client.request('PATCH', `${podsPath(ns)}/${pod}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'pytorch',
            image: 'python:3.11-slim',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message } }
          }
        ]
      }
    }
  });
}

/** The pods to change: spread over the namespace (first, last and between). */
const podOfEvent = (c: IScaleCase, i: number) =>
  podName(jobName('job', Math.floor((i * (c.jobs - 1)) / (POD_EVENTS - 1))), 'master');

function plainList(client: IKubeClient, ns: string): Promise<number> {
  return Promise.all([
    ...Object.values(KINDS).map(k =>
      client.request<{ items: unknown[] }>(
        'GET',
        `/apis/${k.group}/${k.version}/namespaces/${ns}/${k.plural}`
      )
    ),
    ...POD_SELECTORS.map(labelSelector =>
      client.request<{ items: unknown[] }>('GET', podsPath(ns), { query: { labelSelector } })
    )
  ]).then(lists => lists.reduce((sum, list) => sum + list.items.length, 0));
}

function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

const mib = (value: number) => `${value.toFixed(0)} MiB`;
const sleep = (msec: number) => new Promise(r => setTimeout(r, msec));

/** A promise resolved from outside; `wait` gives up after `limitMs` (then undefined). */
function waiter<T>(limitMs = WAIT_MS): {
  resolve: (value: T) => void;
  wait: () => Promise<T | undefined>;
} {
  let resolve!: (value: T) => void;
  const done = new Promise<T>(r => (resolve = r));
  return {
    resolve,
    wait: () => Promise.race([done, sleep(limitMs).then(() => undefined)])
  };
}

/** An SSE client that only notices the end of its snapshot (no parsing: 50 of them share this process). */
function lightWatcher(proxy: IRunningProxy, ns: string): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${proxy.url}/api/v1/namespaces/${ns}/watch/jobs`,
      { headers: { [TOKEN_HEADER]: proxy.token, Accept: 'text/event-stream' } },
      res => {
        let tail = '';
        let inSnapshot = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const text = tail + chunk;
          const start = inSnapshot ? -1 : text.indexOf('event: snapshot\n');
          if (start >= 0) {
            inSnapshot = true;
          }
          if (inSnapshot && text.indexOf('\n\n', Math.max(0, start)) >= 0) {
            inSnapshot = false;
            resolve({ close: () => req.destroy() });
          }
          tail = text.slice(-20);
        });
        res.on('error', () => undefined);
      }
    );
    req.on('error', reject);
    req.end();
  });
}

interface IScaleResult {
  c: IScaleCase;
  watchers: number;
  objects: number;
  list: number[];
  snapshot: number[];
  assembly: number;
  inProcessSnapshot: number;
  handled: number[];
  viaProxy: number[];
  direct: number[];
  lost: number;
  rssIdle: number;
  rssOne: number;
  rssAll: number;
  peak: number;
  joined: number;
  joinMs: number;
}

/** Through the proxy: first snapshots, pod changes, then 50 watchers and the RSS. */
async function measureProxy(
  client: IKubeClient,
  proxy: IRunningProxy,
  c: IScaleCase,
  result: IScaleResult
): Promise<void> {
  const url = `${proxy.url}/api/v1/namespaces/${c.namespace}/watch/jobs`;
  const headers = { [TOKEN_HEADER]: proxy.token };
  result.rssIdle = rssOf(proxy.pid).rss;
  // Try 0 warms the fresh proxy up (JIT, heap), as the plain list gets one warm-up; it is not counted.
  for (let i = 0; i <= TRIES; i++) {
    const got = waiter<number>(SNAPSHOT_WAIT_MS);
    const start = performance.now();
    const stream = await subscribe(url, headers, (event, data) => {
      if (event === 'snapshot') {
        JSON.parse(data);
        got.resolve(performance.now() - start);
      }
    });
    const took = await got.wait();
    stream.close();
    if (took === undefined) {
      throw new Error(`no snapshot of ${c.namespace} within ${SNAPSHOT_WAIT_MS} ms`);
    }
    if (i > 0) {
      result.snapshot.push(took);
    }
    log(`  snapshot ${i}/${TRIES}${i === 0 ? ' (warm-up)' : ''}: ${ms(took)}`);
    await sleep(1000); // the proxy closes the shared watch of the last leaver; the next try lists afresh
  }

  // One SSE client and a direct pod watch, both seeing every pod change.
  const pending = new Map<
    string,
    { sent: number; proxy?: number; direct?: number; done: () => void }
  >();
  const seen = (text: string, by: 'proxy' | 'direct') => {
    for (const [message, change] of pending) {
      if (change[by] === undefined && text.includes(message)) {
        change[by] = performance.now();
        if (change.proxy !== undefined && change.direct !== undefined) {
          change.done();
        }
      }
    }
  };
  const first = waiter<void>(SNAPSHOT_WAIT_MS);
  const stream = await subscribe(url, headers, (event, data) => {
    if (event === 'snapshot') {
      first.resolve();
    } else if (event === 'modified') {
      seen(data, 'proxy');
    }
  });
  await first.wait();
  const listed = await client.request<{ metadata: { resourceVersion: string } }>(
    'GET',
    podsPath(c.namespace),
    {
      query: { labelSelector: JOB_LABEL, limit: 1 }
    }
  );
  const stopDirect = await client.watch(
    podsPath(c.namespace),
    { labelSelector: JOB_LABEL, resourceVersion: listed.metadata.resourceVersion },
    (_type, object) => seen(JSON.stringify(object), 'direct'),
    () => undefined
  );
  for (let i = 0; i < POD_EVENTS; i++) {
    const message = `bench-${i}-${randomBytes(4).toString('hex')}`;
    const both = waiter<void>();
    const change = { sent: performance.now(), done: () => both.resolve() };
    pending.set(message, change);
    await patchPod(client, c.namespace, podOfEvent(c, i), message);
    await both.wait();
    pending.delete(message);
    const { proxy: p, direct: d } = change as { proxy?: number; direct?: number };
    if (p === undefined || d === undefined) {
      result.lost += 1;
      continue;
    }
    result.viaProxy.push(p - change.sent);
    result.direct.push(d - change.sent);
  }
  stopDirect();
  result.rssOne = rssOf(proxy.pid).rss;

  // The other 49 join the live stream at once.
  const start = performance.now();
  const joiners: { close: () => void }[] = [];
  const all = Promise.all(
    Array.from({ length: result.watchers - 1 }, () =>
      lightWatcher(proxy, c.namespace).then(w => {
        joiners.push(w);
        result.joined += 1;
      })
    )
  );
  await Promise.race([all, sleep(WATCHERS_DEADLINE_MS)]);
  result.joinMs = performance.now() - start;
  result.joined += 1; // the first one
  const { rss, peak } = rssOf(proxy.pid);
  result.rssAll = rss;
  result.peak = peak;
  joiners.forEach(w => w.close());
  stream.close();
}

/** The proxy's watch in this process: snapshot assembly and per-event handling, timed around callbacks. */
async function measureInProcess(
  client: IKubeClient,
  c: IScaleCase,
  result: IScaleResult
): Promise<void> {
  let lastList = 0;
  const handled: number[] = [];
  const timed: IKubeClient = {
    source: client.source,
    contextName: client.contextName,
    server: client.server,
    contexts: () => client.contexts(),
    followLog: (...args) => client.followLog(...args),
    request: async (...args) => {
      const answer = await client.request(...args);
      lastList = performance.now();
      return answer as never;
    },
    watch: (path, query, onEvent, onDone) =>
      client.watch(
        path,
        query,
        (type, object) => {
          const start = performance.now();
          onEvent(type, object);
          if (path.endsWith('/pods') && type === 'MODIFIED') {
            handled.push(performance.now() - start);
          }
        },
        onDone
      )
  };
  const snapshot = waiter<void>(SNAPSHOT_WAIT_MS);
  const modified = new Map<string, () => void>();
  const start = performance.now();
  const watch = watchJobs(timed, c.namespace, (event: JobStreamEvent) => {
    if (event.type === 'snapshot') {
      result.assembly = performance.now() - lastList;
      result.inProcessSnapshot = performance.now() - start;
      snapshot.resolve();
    } else if (event.type === 'modified') {
      const text = JSON.stringify(event.object.replicas);
      for (const [message, done] of modified) {
        if (text.includes(message)) {
          done();
        }
      }
    }
  });
  try {
    await snapshot.wait();
    await sleep(500); // the watches connect right after the snapshot
    for (let i = 0; i < POD_EVENTS; i++) {
      const message = `inproc-${i}-${randomBytes(4).toString('hex')}`;
      const got = waiter<void>();
      modified.set(message, () => got.resolve());
      await patchPod(client, c.namespace, podOfEvent(c, i), message);
      await got.wait();
      modified.delete(message);
    }
  } finally {
    watch.close();
  }
  result.handled = handled;
}

export async function benchScale(
  kubeconfig: string,
  cases: IScaleCase[],
  startProxy: () => Promise<IRunningProxy>
): Promise<string> {
  const client = openCluster({ kubeconfig });
  const results: IScaleResult[] = [];
  for (const [index, c] of cases.entries()) {
    const result: IScaleResult = {
      c,
      watchers: watchersOf(index),
      objects: 0,
      list: [],
      snapshot: [],
      assembly: NaN,
      inProcessSnapshot: NaN,
      handled: [],
      viaProxy: [],
      direct: [],
      lost: 0,
      rssIdle: NaN,
      rssOne: NaN,
      rssAll: NaN,
      peak: NaN,
      joined: 0,
      joinMs: NaN
    };
    log(`scale ${c.namespace}: plain lists`);
    await plainList(client, c.namespace); // warm-up
    for (let i = 0; i < TRIES; i++) {
      const start = performance.now();
      result.objects = await plainList(client, c.namespace);
      result.list.push(performance.now() - start);
    }
    log(`scale ${c.namespace}: through a fresh proxy`);
    const proxy = await startProxy();
    try {
      await measureProxy(client, proxy, c, result);
    } finally {
      await proxy.stop();
    }
    log(`scale ${c.namespace}: the watch in this process`);
    await measureInProcess(client, c, result);
    results.push(result);
    log(`scale ${c.namespace} done:${render([result])}`); // kept in the log should a later size fail
  }
  return render(results);
}

function render(results: IScaleResult[]): string {
  const size = (r: IScaleResult) => `${r.c.jobs} jobs + ${r.c.jobs * 2} pods`;
  const snapshots = table(
    `First snapshot of /watch/jobs vs a plain list of the same objects (median of ${TRIES} after 1 warm-up each; ` +
      'every snapshot lists afresh)',
    [
      'namespace',
      'plain list (9 lists, parsed)',
      'first snapshot via proxy SSE',
      'ratio',
      'in-process: assembly after lists',
      'in-process: watch start -> snapshot'
    ],
    results.map(r => [
      `${size(r)} (${r.objects} objects)`,
      ms(median(r.list)),
      ms(median(r.snapshot)),
      `${(median(r.snapshot) / median(r.list)).toFixed(2)}x`,
      ms(r.assembly),
      ms(r.inProcessSnapshot)
    ])
  );
  const events = table(
    `One pod event (${POD_EVENTS} status changes of pods spread over the namespace)`,
    [
      'namespace',
      'handled in the watch (median, p95, max)',
      'change -> proxy SSE (p50, p95)',
      'change -> direct pod watch (p50, p95)'
    ],
    results.map(r => [
      size(r),
      `${ms(median(r.handled))}, ${ms(percentile(r.handled, 95))}, ${ms(Math.max(...r.handled))} (n=${r.handled.length})`,
      `${ms(median(r.viaProxy))}, ${ms(percentile(r.viaProxy, 95))}${r.lost ? ` (${r.lost} lost)` : ''}`,
      `${ms(median(r.direct))}, ${ms(percentile(r.direct, 95))}`
    ])
  );
  const watchers = table(
    'SSE watchers of one namespace: proxy RSS (VmRSS; peak = VmHWM)',
    ['namespace', 'idle', '1 watcher', 'N watchers', 'peak', 'N-1 joiners served in'],
    results.map(r => [
      size(r),
      mib(r.rssIdle),
      mib(r.rssOne),
      `${mib(r.rssAll)} (N=${r.watchers})`,
      mib(r.peak),
      r.joined >= r.watchers ? ms(r.joinMs) : `${r.joined} of ${r.watchers} in ${ms(r.joinMs)}`
    ])
  );
  return [snapshots, events, watchers].join('\n');
}
