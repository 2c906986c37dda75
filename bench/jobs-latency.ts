/**
 * Benchmark 2: a job's status changes (merge patch on the status subresource, as an operator writes it) → when
 * a client sees it: through the proxy's SSE job stream, and through a direct client-node watch of pytorchjobs
 * (the reference: the least any client of the apiserver can get). Both subscribers live in this process and
 * are timed from the moment just before the patch is sent; changes are sequential (both must see one first).
 */
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { condition, jobName, patchStatus, PYTORCH } from './lib/jobs';
import { IRunningProxy, TOKEN_HEADER } from './lib/proxy';
import { subscribe } from './lib/sse';
import { median, ms, percentile, table } from './lib/stats';

const CHANGES = 200;
const WAIT_MS = 15_000;

interface IPending {
  sent: number;
  proxy?: number;
  direct?: number;
  done: () => void;
}

type Conditions = { conditions?: { message?: string }[] } | undefined;
const messages = (status: Conditions) => (status?.conditions ?? []).map(c => c.message);

export async function benchStatusLatency(
  admin: k8s.KubeConfig,
  proxy: IRunningProxy,
  namespace: string,
  jobCount: number
): Promise<string> {
  const pending = new Map<string, IPending>();
  const seen = (message: string | undefined, by: 'proxy' | 'direct') => {
    const change = message === undefined ? undefined : pending.get(message);
    if (change && change[by] === undefined) {
      change[by] = performance.now();
      if (change.proxy !== undefined && change.direct !== undefined) {
        change.done();
      }
    }
  };

  const objects = admin.makeApiClient(k8s.CustomObjectsApi);
  const ref = {
    group: PYTORCH.group,
    version: PYTORCH.version,
    plural: PYTORCH.plural,
    namespace
  };
  let snapshot!: () => void;
  const snapshotSent = new Promise<void>(r => (snapshot = r));
  const stream = await subscribe(
    `${proxy.url}/api/v1/namespaces/${namespace}/watch/jobs`,
    { [TOKEN_HEADER]: proxy.token },
    (event, data) => {
      if (event === 'snapshot') {
        snapshot();
      } else if (event === 'modified') {
        // data is the whole stream event: {type, object: IJob}, and IJob carries the conditions itself.
        messages(JSON.parse(data).object).forEach(m => seen(m, 'proxy'));
      }
    }
  );
  // Watch from a fresh list's resourceVersion so the direct watch does not replay every job as ADDED.
  const list = (await objects.listNamespacedCustomObject({
    ...ref,
    limit: 1
  })) as {
    metadata: { resourceVersion: string };
  };
  const watch = await new k8s.Watch(admin).watch(
    `/apis/${ref.group}/${ref.version}/namespaces/${namespace}/${ref.plural}`,
    { resourceVersion: list.metadata.resourceVersion },
    (type, object: { status?: Conditions }) => {
      if (type === 'MODIFIED') {
        messages(object.status).forEach(m => seen(m, 'direct'));
      }
    },
    () => undefined
  );
  try {
    await snapshotSent;
    const proxied: number[] = [];
    const direct: number[] = [];
    const patches: number[] = [];
    let lost = 0;
    for (let i = 0; i < CHANGES; i++) {
      const message = `bench-${i}-${randomBytes(4).toString('hex')}`;
      const status = {
        conditions: [condition('Created', 'created'), condition('Running', message)]
      };
      let done!: () => void;
      const both = new Promise<void>(r => (done = r));
      const change: IPending = { sent: performance.now(), done };
      pending.set(message, change);
      await patchStatus(objects, { ...ref, name: jobName('pytorchjob', i % jobCount) }, status);
      patches.push(performance.now() - change.sent);
      let timer!: NodeJS.Timeout;
      await Promise.race([both, new Promise(r => (timer = setTimeout(r, WAIT_MS)))]);
      clearTimeout(timer);
      pending.delete(message);
      if (change.proxy === undefined || change.direct === undefined) {
        lost++;
        continue;
      }
      proxied.push(change.proxy - change.sent);
      direct.push(change.direct - change.sent);
    }
    const row = (name: string, samples: number[]) => [
      name,
      ms(median(samples)),
      ms(percentile(samples, 99)),
      ms(Math.max(...samples))
    ];
    return table(
      `Status change -> client (${proxied.length} of ${CHANGES} changes seen by both${lost ? `, ${lost} lost` : ''}; ` +
        `namespace of ${jobCount} PyTorchJobs)`,
      ['subscriber', 'p50', 'p99', 'max'],
      [
        row('proxy SSE /watch/jobs', proxied),
        row('direct client-node watch (reference)', direct),
        row('(status PATCH round trip)', patches)
      ]
    );
  } finally {
    stream.close();
    watch.abort();
  }
}
