/**
 * Issue 12: seeded mutations of Arrow payloads (inline) and CSV files (under the root dir) sent to the real
 * bundled proxy, whose worker threads read and analyse them. No answer may be a 5xx, the proxy process must
 * stay up, and it must still answer `/api/v1/info` afterwards. Deterministic (fixed seed) and bounded (a count
 * and a time budget, not an assertion). engine/fuzz-inputs.spec.ts runs thousands more in-process.
 */
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrowMutation, csvMutation, random, VALID_CSV } from '../../../engine/fuzz-mutations';
import { IBundledProxy, startBundledProxy } from '../analysis/bundle';

const SEED = 20261201;
const MAX_REQUESTS = 400;
/** A budget, not an assertion: on a slow machine fewer mutations run, never a failure. */
const TIME_BUDGET_MS = 45_000;
const PARALLEL = 3;

const FIXTURES = join(__dirname, '../../../engine/arrow-check/fixtures');
const ARROW = ['valid.arrows', 'valid.arrow'].map(
  f => new Uint8Array(readFileSync(join(FIXTURES, f)))
);

let proxy: IBundledProxy;
let root: string;
beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'kfwb-fuzz-root-')));
  proxy = await startBundledProxy(root, { KFWB_ANALYSIS_WORKERS: '2', KFWB_ANALYSIS_QUEUE: '16' });
});
afterAll(async () => {
  await proxy?.stop();
});

const SLICES = [
  ['g', 'note'],
  [{ feature: 'w', buckets: { quantiles: 3 } }],
  [{ cross: ['g', 'note'] }]
];

async function send(i: number, rand: () => number): Promise<{ status: number; what: string }> {
  const slices = SLICES[i % SLICES.length];
  let source: object;
  let what: string;
  if (i % 2 === 0) {
    const bytes = arrowMutation(ARROW[(i >> 1) % 2], rand);
    source = { arrow: Buffer.from(bytes).toString('base64') };
    what = `arrow mutation ${i}`;
  } else {
    const text = csvMutation(VALID_CSV, rand);
    writeFileSync(join(root, `m${i}.csv`), text);
    source = { path: `m${i}.csv` };
    what = `csv mutation ${i}: ${JSON.stringify(text.slice(0, 200))}`;
  }
  const response = await fetch(`${proxy.url}/api/v1/analysis`, {
    method: 'POST',
    headers: { ...proxy.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ source, label: 'y', prediction: 'p', slices })
  });
  const body = await response.text();
  return { status: response.status, what: `${what} → ${response.status} ${body.slice(0, 300)}` };
}

it('answers every mutated input with a result or a 4xx, and stays up', async () => {
  const rand = random(SEED);
  const started = Date.now();
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < MAX_REQUESTS && Date.now() - started < TIME_BUDGET_MS) {
      const { status, what } = await send(next++, rand);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) {
        failures.push(what);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  expect(failures).toEqual([]);
  expect([...statuses.keys()].every(s => [200, 400, 413].includes(s))).toBe(true);
  expect(statuses.get(400)).toBeGreaterThan(0);
  expect(statuses.get(200)).toBeGreaterThan(0);
  expect(proxy.child.exitCode).toBeNull();
  const info = await fetch(`${proxy.url}/api/v1/info`, { headers: proxy.headers });
  expect(info.status).toBe(200);
});
