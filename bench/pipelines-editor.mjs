/**
 * Benchmark: the pipeline editor in Chromium against a real `jupyter lab` (local backend), for pipelines of
 * 20, 200 and 1,000 steps (a layered DAG: each step after one or two of the previous layer, ports and edges like a
 * real pipeline, no saved positions). Per size, in a fresh browser context:
 *   - first render: from the double-click on the `.kfpipeline` file in the file browser to the frame in which the editor
 *     shows its first step (includes loading the lazy canvas chunk on the first page and reading the file);
 *   - steps in the DOM then (React Flow renders only the visible ones beyond 150 steps);
 *   - auto-layout: from the click on "Auto-layout" to the frame in which the first step has moved (dagre, the
 *     document write and the re-render).
 * Measurements, not tests: nothing is asserted about time.
 *
 *   node bench/pipelines-editor.mjs [sizes...]     (default 20 200 1000; needs the labextension built and
 *   linked, and bench/node_modules: cd bench && npm install)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(HERE, '..');
const CHROMIUM = process.env.KFWB_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-sync'
];
const TIMEOUT_MS = 120_000;
const PAGES = 3;

/** A layered DAG of `n` script steps, 10 per layer; each step reads one or two outputs of the layer before. */
export function pipelineOf(n) {
  const perLayer = 10;
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / perLayer);
    nodes.push({
      id: `step-${i}`,
      label: `Step ${i}`,
      kind: 'script',
      file: `step_${i % 5}.py`,
      inputs: layer
        ? [
            { name: 'a', type: 'STRING' },
            { name: 'b', type: 'STRING', default: '' }
          ]
        : [],
      outputs: [{ name: 'out', type: 'STRING' }]
    });
    if (layer) {
      const prev = (layer - 1) * perLayer;
      edges.push({
        from: { node: `step-${prev + (i % perLayer)}`, output: 'out' },
        to: { node: `step-${i}`, input: 'a' }
      });
      if (i % 3 === 0) {
        edges.push({
          from: { node: `step-${prev + ((i + 1) % perLayer)}`, output: 'out' },
          to: { node: `step-${i}`, input: 'b' }
        });
      }
    }
  }
  return { version: 1, name: `Bench ${n}`, parameters: [], nodes, edges };
}

async function measure(page, labUrl, file) {
  await page.goto(`${labUrl}/lab?reset`, { waitUntil: 'load', timeout: TIMEOUT_MS });
  const item = page.locator('.jp-DirListing-item', { hasText: file });
  await item.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  // t0 is the page's own timestamp of the real double-click, so only browser-side clocks are compared.
  await page.evaluate(() => {
    window.__kfwbOpenAt = undefined;
    window.addEventListener('dblclick', e => (window.__kfwbOpenAt ??= e.timeStamp), {
      capture: true
    });
  });
  page.on('console', m => m.type() === 'error' && console.error('page:', m.text()));
  page.on('pageerror', e => console.error('page error:', e.message));
  await item.dblclick();
  const firstRender = await page.evaluate(async () => {
    const started = performance.now();
    for (;;) {
      await new Promise(r => requestAnimationFrame(r));
      const node = document.querySelector('.kf-pipeline-editor .react-flow__node');
      if (node && getComputedStyle(node).visibility !== 'hidden') {
        return {
          ms: performance.now() - window.__kfwbOpenAt,
          domSteps: document.querySelectorAll('.kf-pipeline-editor .react-flow__node').length
        };
      }
      if (performance.now() - started > 120000) {
        throw new Error('the editor showed no step');
      }
    }
  });
  const layout = await page.evaluate(async () => {
    // Beyond 150 steps only the visible ones are in the DOM, and the layout may move step-0 out of view: the
    // layout has landed when the drawn steps (which ones, and where) differ from before.
    const drawn = () =>
      [...document.querySelectorAll('.kf-pipeline-editor .react-flow__node')]
        .map(n => n.dataset.id + n.style.transform)
        .join('|');
    const before = drawn();
    const button = [...document.querySelectorAll('.kf-canvas-toolbar button')].find(
      b => b.textContent === 'Auto-layout'
    );
    const t0 = performance.now();
    button.click();
    for (;;) {
      await new Promise(r => requestAnimationFrame(r));
      if (drawn() !== before) {
        return performance.now() - t0;
      }
      if (performance.now() - t0 > 120000) {
        throw new Error('auto-layout moved nothing');
      }
    }
  });
  return { ...firstRender, layoutMs: layout };
}

async function main(sizes) {
  const { chromium } = createRequire(join(HERE, 'package.json'))('playwright-core');
  const lab = await startJupyterLab();
  const rows = [];
  let browser;
  try {
    for (const n of sizes) {
      writeFileSync(join(lab.dir, `bench-${n}.kfpipeline`), JSON.stringify(pipelineOf(n), null, 2));
    }
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(lab.dir, `step_${i}.py`), 'import sys\nprint(sys.argv)\n');
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: false,
      args: CHROMIUM_ARGS
    });
    for (const n of sizes) {
      const runs = [];
      for (let i = 0; i < PAGES; i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        try {
          runs.push(await measure(await context.newPage(), lab.url, `bench-${n}.kfpipeline`));
        } finally {
          await context.close();
        }
      }
      rows.push({ n, runs });
    }
  } finally {
    await browser?.close();
    await lab.stop();
  }
  return table(rows);
}

function table(rows) {
  const median = values => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const ms = v => `${v.toFixed(0)} ms`;
  const header = [
    'steps',
    'open -> first step shown (first page, median)',
    'steps in DOM',
    'auto-layout (median)'
  ];
  const body = rows.map(({ n, runs }) => [
    n.toLocaleString('en'),
    `${ms(runs[0].ms)}, ${ms(median(runs.map(r => r.ms)))}`,
    [...new Set(runs.map(r => r.domSteps))].join('/'),
    ms(median(runs.map(r => r.layoutMs)))
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(r => r[i].length)));
  const line = cells => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [
    `\nPipeline editor in Chromium (jupyter lab, ${PAGES} fresh pages per size)`,
    line(header),
    '|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|',
    ...body.map(line)
  ].join('\n');
}

/** jupyter lab on a free port, no token, the local backend, a temporary root directory. */
export async function startJupyterLab() {
  const port = await new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-bench-editor-'));
  const child = spawn(
    join(REPO, '.venv/bin/jupyter'),
    [
      'lab',
      '--allow-root',
      '--no-browser',
      '--ServerApp.token=',
      '--ServerApp.password=',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${dir}`,
      `--LabApp.workspaces_dir=${join(dir, '.workspaces')}`
    ],
    {
      env: {
        ...process.env,
        KFWB_BACKEND: 'local',
        KFWB_STATE_DIR: join(dir, '.state'),
        JUPYTER_RUNTIME_DIR: join(dir, '.runtime')
      },
      detached: true, // own process group: stopping it also stops the proxy it started
      stdio: ['ignore', 'ignore', 'pipe']
    }
  );
  let log = '';
  child.stderr.on('data', chunk => (log = (log + chunk).slice(-4000)));
  const killGroup = signal => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`jupyter lab exited: ${log.trim().split('\n').slice(-5).join('\n')}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('jupyter lab did not answer in time');
    }
    if (
      await fetch(`${url}/api/status`).then(
        r => r.ok,
        () => false
      )
    ) {
      return { url, dir, stop };
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number);
  main(sizes.length ? sizes : [20, 200, 1000]).then(
    text => console.log(text),
    e => {
      console.error(e.stack ?? e.message);
      process.exit(1);
    }
  );
}
