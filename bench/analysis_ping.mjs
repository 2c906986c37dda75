// Issue 12, finding 2: ping latency of `/api/v1/info` while a large analysis runs, with the analysis on the
// event loop (as before: bench/analysis_inline_server.ts) and on a worker thread (the real proxy bundle), side
// by side, plus each server's peak RSS (VmHWM, worker threads included).
//
//   node bench/analysis_ping.mjs [--rows 10000000] [--format parquet]
//
// --format parquet converts the data to Parquet (snappy, pyarrow from the project's .venv) and analyses that.
//
// A ping every 10 ms (like a UI polling; the next one is sent 10 ms after the previous was sent, or at once when
// it came back later) from the moment the analysis is sent until it is answered. Back-to-back pings would keep
// the main thread busy and slow the analysis down on a 2-core machine. Data: an Arrow file of y, p and 5 integer slice features (7, 11, 20, 3 and 50 values).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, tableFromArrays, tableToIPC } from 'apache-arrow';

const REPO = new URL('..', import.meta.url).pathname;
const at = process.argv.indexOf('--rows');
const ROWS = at > 0 ? Number(process.argv[at + 1]) : 10_000_000;
const FORMAT = process.argv.includes('--format')
  ? process.argv[process.argv.indexOf('--format') + 1]
  : 'arrow';
const DATA = `data.${FORMAT}`;
const TOKEN = 'bench-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'kfwb-ping-bench-'));

function writeData(path) {
  let seed = 12;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const y = new Float64Array(ROWS);
  const p = new Float64Array(ROWS);
  const sizes = { a: 7, b: 11, c: 20, d: 3, e: 50 };
  const features = Object.fromEntries(Object.keys(sizes).map(k => [k, new Int32Array(ROWS)]));
  for (let i = 0; i < ROWS; i++) {
    y[i] = random() < 0.4 ? 1 : 0;
    p[i] = Math.min(1, Math.max(0, 0.3 + 0.3 * y[i] + (random() - 0.5) * 0.6));
    for (const [k, n] of Object.entries(sizes)) {
      features[k][i] = Math.floor(random() * n);
    }
  }
  const columns = {
    y,
    p,
    ...Object.fromEntries(Object.entries(features).map(([k, v]) => [k, makeVector(v)]))
  };
  writeFileSync(path, tableToIPC(tableFromArrays(columns), 'file'));
}

async function waitForLine(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      if (out.includes('\n')) {
        resolve(out.split('\n')[0]);
      }
    });
    child.once('exit', code => reject(new Error(`server exited (${code})`)));
  });
}

async function startWorkerProxy(bundle) {
  const runtime = join(dir, 'runtime');
  const child = spawn(
    process.execPath,
    [
      join(bundle, 'proxy.mjs'),
      '--port',
      '0',
      '--runtime-dir',
      runtime,
      '--state-dir',
      join(dir, 'state'),
      '--backend',
      'local',
      '--root-dir',
      dir
    ],
    { env: { ...process.env, KFWB_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  for (;;) {
    try {
      const { url } = JSON.parse(readFileSync(join(runtime, `proxy-${child.pid}.json`), 'utf8'));
      return { child, url };
    } catch {
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

async function startInlineServer(bundle) {
  const child = spawn(process.execPath, [join(bundle, 'inline.mjs')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const port = await waitForLine(child);
  return { child, url: `http://127.0.0.1:${port}` };
}

const peakRss = pid =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function measure(name, server) {
  const headers = { 'x-kubeflow-workbench-token': TOKEN, 'content-type': 'application/json' };
  const started = performance.now();
  let done = false;
  const analysis = fetch(`${server.url}/api/v1/analysis`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      source: { path: DATA },
      label: 'y',
      prediction: 'p',
      slices: ['a', 'b', 'c', 'd', 'e']
    })
  }).then(async r => {
    const body = await r.json();
    done = true;
    if (r.status !== 200) {
      throw new Error(`${name}: ${r.status} ${JSON.stringify(body)}`);
    }
    return performance.now() - started;
  });
  const latencies = [];
  while (!done) {
    const t = performance.now();
    await (await fetch(`${server.url}/api/v1/info`, { headers })).arrayBuffer();
    const latency = performance.now() - t;
    latencies.push(latency);
    await new Promise(r => setTimeout(r, Math.max(0, 10 - latency)));
  }
  const wall = await analysis;
  latencies.sort((a, b) => a - b);
  const q = f => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))];
  const rss = peakRss(server.child.pid);
  server.child.kill('SIGTERM');
  return {
    name,
    wall,
    pings: latencies.length,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies.at(-1),
    rss
  };
}

try {
  const bundle = join(dir, 'bundle');
  execFileSync(process.execPath, [join(REPO, 'proxy/build.mjs'), '--outdir', bundle], {
    stdio: 'inherit'
  });
  execFileSync(
    join(REPO, 'node_modules/.bin/esbuild'),
    [
      join(REPO, 'bench/analysis_inline_server.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${join(bundle, 'inline.mjs')}`,
      '--log-level=warning',
      "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    ],
    { stdio: 'inherit' }
  );
  writeData(join(dir, 'data.arrow'));
  if (FORMAT === 'parquet') {
    execFileSync(join(REPO, '.venv/bin/python'), [
      '-c',
      'import sys, pyarrow.feather as f, pyarrow.parquet as pq; pq.write_table(f.read_table(sys.argv[1]), sys.argv[2])',
      join(dir, 'data.arrow'),
      join(dir, 'data.parquet')
    ]);
  }
  const results = [
    await measure('inline (event loop)', await startInlineServer(bundle)),
    await measure('worker thread', await startWorkerProxy(bundle))
  ];
  const f = x => x.toFixed(1).padStart(9);
  console.log(
    `\n${ROWS.toLocaleString('en')} rows × 5 slice features, ${FORMAT} file, a ping every 10 ms during the analysis\n`
  );
  console.log(
    '| analysis runs on      | analysis wall s | pings | ping p50 ms | ping p99 ms | ping max ms | peak RSS MiB |'
  );
  console.log(
    '| --------------------- | --------------: | ----: | ----------: | ----------: | ----------: | -----------: |'
  );
  for (const r of results) {
    console.log(
      `| ${r.name.padEnd(21)} | ${f(r.wall / 1000)} | ${String(r.pings).padStart(5)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.rss)} |`
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
