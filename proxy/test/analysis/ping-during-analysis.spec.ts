/**
 * Issue 12, finding 2: the proxy keeps answering while a large analysis runs. The real bundled proxy (proxy.mjs
 * with its analysis-worker.mjs, as shipped in the wheel) analyses 1.5 M rows × 5 slice features from a file
 * under its root while this test pings `/api/v1/info` one request after another; the pings must keep completing
 * during the analysis. No timing threshold: the assertion is on order — how many pings completed before the
 * analysis answered.
 * The latency figures are in bench/analysis_ping.mjs.
 */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table, tableToIPC, Vector } from 'apache-arrow';
import { IBundledProxy, startBundledProxy } from './bundle';

const ROWS = 1_500_000;
// bench/analysis_ping.mjs: on the event loop only ~30 pings complete during a 1 M-row analysis (while the file is
// read and between steps); on a worker thread, hundreds.
const PINGS_DURING = 150;

function writeLargeArrowFile(path: string): void {
  let seed = 12;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const y = new Float64Array(ROWS);
  const p = new Float64Array(ROWS);
  const features: Record<string, Int32Array> = {};
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    features[name] = new Int32Array(ROWS);
  }
  for (let i = 0; i < ROWS; i++) {
    y[i] = random() < 0.4 ? 1 : 0;
    p[i] = Math.min(1, Math.max(0, 0.3 + 0.3 * y[i] + (random() - 0.5) * 0.6));
    features.a[i] = i % 7;
    features.b[i] = (i >> 3) % 11;
    features.c[i] = Math.floor(random() * 20);
    features.d[i] = i % 3;
    features.e[i] = Math.floor(random() * 50);
  }
  const vectors: Record<string, Vector> = { y: makeVector(y), p: makeVector(p) };
  for (const [name, codes] of Object.entries(features)) {
    vectors[name] = makeVector(codes);
  }
  const table = new Table(vectors);
  writeFileSync(path, tableToIPC(table, 'file'));
}

let proxy: IBundledProxy;
beforeAll(async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'kfwb-ping-root-')));
  writeLargeArrowFile(join(root, 'large.arrow'));
  proxy = await startBundledProxy(root);
});
afterAll(async () => {
  await proxy?.stop();
});

it('answers pings while a 1.5 M-row analysis runs on its worker thread', async () => {
  let analysed = false;
  let pingsBeforeAnswer = -1;
  let pings = 0;
  const analysis = fetch(`${proxy.url}/api/v1/analysis`, {
    method: 'POST',
    headers: { ...proxy.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: { path: 'large.arrow' },
      label: 'y',
      prediction: 'p',
      slices: ['a', 'b', 'c', 'd', 'e']
    })
  }).then(async response => {
    pingsBeforeAnswer = pings;
    analysed = true;
    return {
      status: response.status,
      body: (await response.json()) as { rows: number; slices: unknown[] }
    };
  });
  while (!analysed) {
    const ping = await fetch(`${proxy.url}/api/v1/info`, { headers: proxy.headers });
    expect(ping.status).toBe(200);
    await ping.json();
    pings++;
  }
  const { status, body } = await analysis;
  expect(status).toBe(200);
  expect(body.rows).toBe(ROWS);
  expect(body.slices.length).toBeGreaterThan(5);
  expect(pingsBeforeAnswer).toBeGreaterThanOrEqual(PINGS_DURING);
});
