/**
 * Benchmark 1: GET /api/v1/namespaces/<ns>/jobs through the proxy vs. the same reads made directly with
 * client-node from this process (one list per job kind + the two pod lists the proxy makes, in parallel).
 * The difference is what the proxy adds: its own requests, mapping to IJob, sorting, JSON over loopback.
 */
import * as k8s from '@kubernetes/client-node';
import { KINDS } from './lib/jobs';
import { IRunningProxy, TOKEN_HEADER } from './lib/proxy';
import { bytes, median, ms, percentile, table } from './lib/stats';

const WARMUPS = 3;
const RUNS = 20;
// The proxy lists pods once per job-name label (a selector cannot OR two keys); the direct path does the same.
const POD_SELECTORS = ['training.kubeflow.org/job-name', 'jobset.sigs.k8s.io/jobset-name'];

async function timed(
  runs: number,
  once: () => Promise<number>
): Promise<{ samples: number[]; size: number }> {
  const samples: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    size = await once();
    samples.push(performance.now() - start);
  }
  return { samples, size };
}

export async function benchListJobs(
  admin: k8s.KubeConfig,
  proxy: IRunningProxy,
  namespace: string
): Promise<{ text: string; jobs: number }> {
  let jobs = 0;
  const viaProxy = async () => {
    const res = await fetch(`${proxy.url}/api/v1/namespaces/${namespace}/jobs`, {
      headers: { [TOKEN_HEADER]: proxy.token }
    });
    const body = await res.text();
    if (!res.ok) {
      throw new Error(`proxy list answered ${res.status}: ${body.slice(0, 300)}`);
    }
    jobs = JSON.parse(body).items.length;
    return Buffer.byteLength(body);
  };

  const objects = admin.makeApiClient(k8s.CustomObjectsApi);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const direct = async () => {
    const lists = await Promise.all([
      ...Object.values(KINDS).map(k =>
        objects.listNamespacedCustomObject({
          group: k.group,
          version: k.version,
          plural: k.plural,
          namespace
        })
      ),
      ...POD_SELECTORS.map(labelSelector => core.listNamespacedPod({ namespace, labelSelector }))
    ]);
    // client-node hands back parsed objects; their re-serialised size stands in for the bytes received.
    return lists.reduce((sum, list) => sum + Buffer.byteLength(JSON.stringify(list)), 0);
  };

  // Alternate warm-ups so both paths have warm connections and JIT before any sample is taken.
  for (let i = 0; i < WARMUPS; i++) {
    await viaProxy();
    await direct();
  }
  const proxied = await timed(RUNS, viaProxy);
  const directly = await timed(RUNS, direct);
  const row = (name: string, r: { samples: number[]; size: number }) => [
    name,
    ms(median(r.samples)),
    ms(percentile(r.samples, 95)),
    bytes(r.size)
  ];
  const ratio = median(proxied.samples) / median(directly.samples);
  const p95ratio = percentile(proxied.samples, 95) / percentile(directly.samples, 95);
  const text = table(
    `List ${jobs} jobs in ${namespace} (N=${RUNS} after ${WARMUPS} warm-ups)`,
    ['path', 'median', 'p95', 'response size'],
    [
      row('proxy GET /api/v1/namespaces/<ns>/jobs', proxied),
      row('direct client-node (7 kinds + 2 pod lists)', directly),
      ['ratio proxy / direct', `${ratio.toFixed(2)}x`, `${p95ratio.toFixed(2)}x`, '']
    ]
  );
  return { text, jobs };
}
