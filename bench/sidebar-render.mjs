/**
 * Benchmark 3: first render and scroll of the Kubeflow sidebar's job list in Chromium, against a real
 * `jupyter lab` whose proxy (kubernetes backend) reads a namespace of N PyTorchJobs. Per namespace:
 *   - first row: from the pointerdown on the sidebar tab to the animation frame in which a job row is visible;
 *   - DOM rows: how many job rows exist in the DOM then (a virtualised list renders far fewer than N);
 *   - scroll to end: from setting the list's scrollTop to its end to the frame in which the last row is visible.
 * Job rows are found by their text (job names `<kind>-NNNNN`), not by class names, so the markup may change.
 *
 * Used by run.mjs (`sidebar`, `all`), which creates the cluster and the jobs; standalone against any cluster:
 *   KUBECONFIG=<file> node bench/sidebar-render.mjs <namespace>=<job count> [...]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(HERE, '..');
const SIDEBAR_ID = 'kubeflow-workbench:sidebar';
const CHROMIUM = process.env.KFWB_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic'
];
const JOB_NAME = '^[a-z]+-\\d{5}$'; // names the bench gives its jobs (bench/lib/jobs.ts jobName)
const TIMEOUT_MS = 60_000;
const PAGES = 3; // fresh browser contexts per namespace, one jupyter lab
// One more page clicks only after this idle time, when the job stream (opened at page load) has delivered its
// snapshot: its first-row time is rendering alone; the difference to the others is waiting for the data.
const SETTLE_MS = 10_000;

/** Measures each namespace in its own jupyter lab (cold, like a user opening the sidebar the first time). */
export async function measureSidebar({ kubeconfig, cases }) {
  // playwright-core lives in bench/node_modules (bench/package.json), not in the repo's dependencies.
  const { chromium } = createRequire(join(HERE, 'package.json'))('playwright-core');
  const results = [];
  for (const { namespace, jobs } of cases) {
    const lab = await startJupyterLab({ kubeconfig, namespace });
    let browser;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: false,
        args: CHROMIUM_ARGS
      });
      // The first page meets a cold jupyter lab and proxy; the next ones show what a reload costs.
      const runs = [];
      for (let i = 0; i < PAGES; i++) {
        runs.push(await onFreshPage(browser, page => measureOnce(page, lab.url, namespace)));
      }
      const settled = await onFreshPage(browser, page =>
        measureOnce(page, lab.url, namespace, SETTLE_MS)
      );
      results.push({ namespace, jobs, runs, settled });
    } finally {
      await browser?.close();
      await lab.stop();
    }
  }
  return table(results);
}

/** A new browser context (no cache, no storage shared with the other pages) for one measurement. */
async function onFreshPage(browser, measure) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    return await measure(await context.newPage());
  } finally {
    await context.close();
  }
}

async function measureOnce(page, labUrl, namespace, settleMs = 0) {
  await page.goto(`${labUrl}/lab?reset`, {
    waitUntil: 'load',
    timeout: TIMEOUT_MS
  });
  const tab = page.locator(`.jp-SideBar.jp-mod-left [data-id="${SIDEBAR_ID}"]`);
  try {
    await tab.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  } catch {
    throw new Error(
      `no Kubeflow sidebar tab (data-id="${SIDEBAR_ID}") in /lab: is the labextension built and installed ` +
        '(npm run build:prod; jupyter labextension develop --overwrite .)?'
    );
  }
  // t0 is the page's own timestamp of the real pointer event, so browser-side clocks are compared only.
  await page.evaluate(() => {
    window.__kfwbClickAt = undefined;
    window.addEventListener('pointerdown', e => (window.__kfwbClickAt ??= e.timeStamp), {
      capture: true
    });
  });
  // A sidebar restored open would be collapsed by the click: say so rather than time the wrong thing.
  if (await tab.evaluate(el => el.classList.contains('lm-mod-current'))) {
    throw new Error(
      'the Kubeflow sidebar was already open after /lab?reset; cannot time its first render'
    );
  }
  await page.waitForTimeout(settleMs);
  const box = await tab.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const firstRowAt = await waitInFrame(page, 'first', namespace);
  const clickAt = await page.evaluate(() => window.__kfwbClickAt);
  const domRows = await page.evaluate(inPage, {
    op: 'count',
    pattern: JOB_NAME,
    sidebarId: SIDEBAR_ID
  });
  const expectedLast = await page.evaluate(async ns => {
    const res = await fetch(
      `${document.baseURI.split('/lab')[0]}/kubeflow-workbench/api/v1/namespaces/${ns}/jobs`
    );
    const body = await res.json();
    return body.items?.at(-1)?.name;
  }, namespace);
  const scrolledAt = await page.evaluate(inPage, {
    op: 'scroll',
    pattern: JOB_NAME,
    sidebarId: SIDEBAR_ID
  });
  const last = await waitInFrame(page, 'bottom', namespace);
  return {
    clickAt,
    firstRowMs: firstRowAt.at - clickAt,
    domRows,
    scrollEndMs: last.at - scrolledAt,
    lastRow: last.name,
    lastIsApiLast: last.name === expectedLast
  };
}

/** Polls once per animation frame until a job row is visible ('first') or the bottom row is ('bottom'). */
async function waitInFrame(page, op, namespace) {
  try {
    const handle = await page.waitForFunction(
      inPage,
      { op, pattern: JOB_NAME, sidebarId: SIDEBAR_ID },
      {
        polling: 'raf',
        timeout: TIMEOUT_MS
      }
    );
    return await handle.jsonValue();
  } catch (e) {
    // Say what the sidebar showed instead ("Loading jobs…", no job section at all, …).
    const shown = await page
      .evaluate(id => document.getElementById(id)?.innerText ?? '(no sidebar)', SIDEBAR_ID)
      .catch(() => '?');
    throw new Error(
      `no job row of ${namespace} became visible (${op}): ${String(e.message).split('\n')[0]}; ` +
        `the sidebar showed: ${JSON.stringify(shown.replace(/\s+/g, ' ').slice(0, 300))}`
    );
  }
}

/** Runs in the page (serialised by Playwright, so self-contained): finds job rows by their name text. */
function inPage({ op, pattern, sidebarId }) {
  const sidebar = document.getElementById(sidebarId);
  if (!sidebar) {
    return op === 'count' ? 0 : false;
  }
  const re = new RegExp(pattern);
  const rows = [];
  const walker = document.createTreeWalker(sidebar, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (re.test(node.textContent.trim())) {
      rows.push(node.parentElement);
    }
  }
  if (op === 'count') {
    return rows.length;
  }
  const scroller = rows.length ? scrollParent(rows[0]) : undefined;
  if (op === 'scroll') {
    if (scroller) {
      scroller.scrollTop = scroller.scrollHeight; // no scroller: every row already fits
    }
    return performance.now();
  }
  const view = (scroller ?? sidebar).getBoundingClientRect();
  const visible = rows.filter(el => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > view.top && r.top < view.bottom;
  });
  if (op === 'first') {
    return visible.length ? { at: performance.now(), name: visible[0].textContent.trim() } : false;
  }
  // 'bottom': the list is scrolled to its end and the lowest rendered row is inside the viewport.
  if (!rows.length) {
    return false;
  }
  const atEnd =
    !scroller || scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
  const lowest = rows.reduce((a, b) =>
    b.getBoundingClientRect().bottom > a.getBoundingClientRect().bottom ? b : a
  );
  return atEnd && visible.includes(lowest)
    ? { at: performance.now(), name: lowest.textContent.trim() }
    : false;

  function scrollParent(el) {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight) {
        return p;
      }
    }
    return undefined;
  }
}

/** jupyter lab on a free port, no token, its proxy on the kubernetes backend reading `namespace`. */
async function startJupyterLab({ kubeconfig, namespace }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kfwb-bench-lab-'));
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
      `--LabApp.workspaces_dir=${join(dir, 'workspaces')}`
    ],
    {
      env: {
        ...process.env,
        KFWB_BACKEND: 'kubernetes',
        KFWB_NAMESPACE: namespace,
        KUBECONFIG: kubeconfig,
        JUPYTER_RUNTIME_DIR: join(dir, 'runtime')
      },
      detached: true, // own process group: stopping it also stops the proxy jupyter-server-proxy started
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
  const onExit = () => {
    killGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // children that outlived the server (the proxy) share its group
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`jupyter lab exited: ${log.trim().split('\n').slice(-5).join('\n')}`);
      }
      if (Date.now() > deadline) {
        throw new Error('jupyter lab did not answer in time');
      }
      const ok = await fetch(`${url}/api/status`).then(
        r => r.ok,
        () => false
      );
      if (ok) {
        return { url, stop };
      }
      await new Promise(r => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function table(results) {
  const header = [
    'jobs',
    'click -> first row (cold, median)',
    `same, clicked ${SETTLE_MS / 1000} s after load`,
    'DOM rows',
    'scroll -> last row (cold, median)',
    'tab clicked at',
    'last row'
  ];
  const ms = v => `${v.toFixed(0)} ms`;
  const median = values => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const coldAndMedian = (runs, key) => `${ms(runs[0][key])}, ${ms(median(runs.map(r => r[key])))}`;
  const rows = results.map(({ jobs, runs, settled }) => [
    String(jobs),
    coldAndMedian(runs, 'firstRowMs'),
    ms(settled.firstRowMs),
    [...new Set(runs.map(r => r.domRows))].join('/'),
    coldAndMedian(runs, 'scrollEndMs'),
    `${ms(median(runs.map(r => r.clickAt)))} after navigation`,
    `${runs[0].lastRow}${runs.every(r => r.lastIsApiLast) ? ' (= API last)' : ' (NOT the API order last)'}`
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = cells => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [
    `\nSidebar job list in Chromium (jupyter lab, kubernetes backend; ${PAGES} pages per count, the first cold)`,
    line(header),
    '|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line)
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cases = process.argv.slice(2).map(arg => {
    const [namespace, jobs] = arg.split('=');
    return { namespace, jobs: Number(jobs) };
  });
  if (!process.env.KUBECONFIG || cases.length === 0) {
    process.stderr.write(
      'usage: KUBECONFIG=<file> node bench/sidebar-render.mjs <namespace>=<job count> ...\n'
    );
    process.exit(2);
  }
  measureSidebar({ kubeconfig: process.env.KUBECONFIG, cases }).then(
    text => console.log(text),
    e => {
      console.error(e.message);
      process.exit(1);
    }
  );
}
