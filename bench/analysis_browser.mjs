// Opens a notebook whose saved output holds a slice document in a running JupyterLab (no kernel is started)
// and reports how long until the slice browser and its Vega chart are on screen, then drives the threshold
// slider with the keyboard and the Fairness / Baseline tabs. Screenshots go to $OUT (default /tmp).
//
//   KFWB_LAB_URL=http://127.0.0.1:8888 KFWB_LAB_TOKEN=… KFWB_NOTEBOOK=analysis.ipynb node bench/analysis_browser.mjs
//
// Needs the extension installed in that JupyterLab and Playwright from ui-tests/node_modules.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('../ui-tests/node_modules/playwright');

const base = process.env.KFWB_LAB_URL || 'http://127.0.0.1:8888';
const token = process.env.KFWB_LAB_TOKEN || '';
const notebook = process.env.KFWB_NOTEBOOK || 'analysis.ipynb';
const out = process.env.OUT || '/tmp';

await (async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu']
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 }
  });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const started = Date.now();
  await page.goto(`${base}/lab/tree/${notebook}?token=${token}&reset`);
  await page.locator('.kf-slices').first().waitFor({ timeout: 60000 });
  const browserShown = Date.now() - started;
  const dialog = page.locator('.jp-Dialog');
  await dialog
    .first()
    .waitFor({ timeout: 5000 })
    .catch(() => undefined);
  if (await dialog.count()) {
    await page.keyboard.press('Escape'); // "Select kernel": keep it kernel-less
  }
  await page
    .locator('.kf-slices-chart canvas, .kf-slices-chart svg')
    .first()
    .waitFor({ timeout: 30000 });
  const chartShown = Date.now() - started;
  await page
    .locator('.kf-slices')
    .first()
    .screenshot({ path: `${out}/slices.png` });
  const slider = page.getByLabel('Decision threshold');
  await slider.focus();
  const before = await page.getByTestId('threshold-value').textContent();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('ArrowRight');
  }
  const after = await page.getByTestId('threshold-value').textContent();
  await page.getByRole('tab', { name: 'Fairness' }).click();
  await page.locator('.kf-slices-fairness').screenshot({ path: `${out}/fairness.png` });
  console.log(
    JSON.stringify(
      {
        browserShownMs: browserShown,
        chartShownMs: chartShown,
        thresholdKeys: `${before} → ${after}`,
        errors
      },
      null,
      1
    )
  );
  await browser.close();
  process.exit(errors.length ? 1 : 0);
})();
