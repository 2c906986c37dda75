/** The slice browser as a notebook output: analyze() on generated data, the threshold slider, reload without kernel. */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

const NOTEBOOK = 'slices.ipynb';
const CODE = `import numpy as np, pandas as pd
from kubeflow_workbench import analyze
rng = np.random.default_rng(0)
n = 5000
df = pd.DataFrame({"country": rng.choice(["DE", "FR", "US"], n), "device": rng.choice(["mobile", "desktop"], n)})
df["label"] = (rng.random(n) < 0.25 + 0.2 * (df.country == "US")).astype(int)
df["score"] = np.clip(0.55 * df.label + rng.normal(0.25, 0.2, n), 0, 1)
analyze(df, label="label", prediction="score", slices=["country", "device", {"cross": ["country", "device"]}])`;

const overallPrecision = (page: import('@playwright/test').Page) =>
  page.locator('tr.kf-slices-overall td[data-metric="precision"]').first();

test.describe('slice browser', () => {
  test('renders analyze() output, follows the threshold, survives a reload without kernel', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew(NOTEBOOK);
    await page.notebook.setCell(0, 'code', CODE);
    await page.notebook.runCell(0);
    const browser = page.locator('.kf-slices');
    await expect(browser).toBeVisible({ timeout: 90000 });
    await expect(page.locator('tr[data-slice="country=US"]')).toBeVisible();
    await expect(
      page.locator('tr[data-slice^="country × device"], tr[data-slice*="mobile"]').first()
    ).toBeVisible();
    await expect(browser.locator('canvas, svg.marks').first()).toBeVisible({ timeout: 30000 });

    const before = await overallPrecision(page).textContent();
    const slider = page.getByLabel('Decision threshold');
    await slider.focus();
    for (let i = 0; i < 15; i++) {
      await slider.press('ArrowRight');
    }
    await expect(page.getByTestId('threshold-value')).not.toHaveText('0.50');
    await expect(overallPrecision(page)).not.toHaveText(before ?? '');
    await page.screenshot({ path: test.info().outputPath('slices-light.png') });
    // "reset to 0.50" puts the threshold and the numbers back, and goes away.
    await browser.getByRole('button', { name: 'reset to 0.50' }).click();
    await expect(page.getByTestId('threshold-value')).toHaveText('0.50');
    await expect(overallPrecision(page)).toHaveText(before ?? '');
    await expect(browser.getByRole('button', { name: /^reset to/ })).toHaveCount(0);

    // The metric select: the chosen metric gets the interval column and the summary line.
    await browser.getByLabel('Metric', { exact: true }).selectOption('recall');
    await expect(browser.locator('tr.kf-slices-overall td.kf-slices-selected')).toHaveAttribute(
      'data-metric',
      'recall'
    );
    await expect(browser.getByTestId('worse-summary')).toContainText('Recall (TPR)');

    // Filtering keeps the slices that mention the text (and the overall row).
    const sliceRows = browser.locator('tbody tr[data-slice]:not(.kf-slices-overall)');
    const all = await sliceRows.count();
    await browser.getByLabel('Filter slices').fill('mobile');
    await expect(page.locator('tr[data-slice="country=US"]')).toHaveCount(0);
    await expect(page.locator('tr[data-slice="device=mobile"]')).toBeVisible();
    const filtered = await sliceRows.count();
    expect(filtered).toBeLessThan(all);
    for (const slice of await sliceRows.evaluateAll(rows =>
      rows.map(r => r.getAttribute('data-slice'))
    )) {
      expect(slice).toContain('mobile');
    }
    await browser.getByLabel('Filter slices').fill('');
    await expect(sliceRows).toHaveCount(all);

    // Sorting by Count: largest slices first, a second click smallest first.
    const counts = async () =>
      (await sliceRows.locator('td:nth-child(3)').allTextContents()).map(t =>
        Number(t.replace(/\D/g, ''))
      );
    // The header's name gains ▼/▲ once sorted.
    const countHeader = browser.getByRole('button', { name: /^Count/ });
    await countHeader.click();
    await expect(browser.locator('th[aria-sort="descending"]')).toHaveText(/Count/);
    const descending = await counts();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(descending[0]).toBeGreaterThan(descending[descending.length - 1]);
    await countHeader.click();
    await expect(browser.locator('th[aria-sort="ascending"]')).toHaveText(/Count/);
    expect(await counts()).toEqual([...descending].sort((a, b) => a - b));

    // Fairness: per value of the chosen feature; the Slices tab brings the table back.
    await browser.getByRole('tab', { name: 'Fairness' }).click();
    const fairness = browser.locator('.kf-slices-fairness');
    await expect(fairness.getByRole('cell', { name: 'US', exact: true })).toBeVisible();
    await fairness.getByLabel('Fairness feature').selectOption('device');
    await expect(fairness.getByRole('cell', { name: 'mobile', exact: true })).toBeVisible();
    await expect(fairness.getByRole('cell', { name: 'US', exact: true })).toHaveCount(0);
    await expect(fairness.getByTestId('parity-gap')).toHaveText(/\d/);
    await browser.getByRole('tab', { name: 'Slices' }).click();
    await expect(page.locator('tr[data-slice="country=US"]')).toBeVisible();
    // No baseline column in analyze() here: no Baseline tab (the CSV test below has one).
    await expect(browser.getByRole('tab', { name: 'Baseline vs candidate' })).toHaveCount(0);

    await page.theme.setDarkTheme();
    await expect(browser).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('slices-dark.png') });
    await page.theme.setLightTheme();

    await page.notebook.save();
    await page.notebook.close();
    // No kernel may start: the widget must render from the saved output alone.
    await page.route(/\/api\/sessions/, route =>
      route.request().method() === 'POST' ? route.abort() : route.continue()
    );
    const kernels = await (await page.request.get('/api/kernels')).json();
    for (const kernel of kernels) {
      await page.request.delete(`/api/kernels/${kernel.id}`);
    }
    await page.evaluate(async path => {
      await window.jupyterapp.commands.execute('docmanager:open', { path });
    }, `${tmpPath}/${NOTEBOOK}`);
    await expect(page.locator('.kf-slices')).toBeVisible({ timeout: 30000 });
    await expect(page.locator('tr[data-slice="country=US"]')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('slices-reopened-no-kernel.png') });
    expect(await (await page.request.get('/api/kernels')).json()).toEqual([]);
    // JupyterLab tells the user the kernel could not start (we refused it); dismiss that dialog.
    await page
      .getByRole('button', { name: 'Ok' })
      .click({ timeout: 10000 })
      .catch(() => undefined);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('Open with Slice Browser on a CSV file: columns and metric set from its form', async ({
    page,
    tmpPath
  }) => {
    // A small scored dataset: two countries, the score a noisy copy of the label; an example weight and an
    // older model's score (the baseline, noisier) for the optional fields of the form.
    const rows = ['country,label,score,weight,old_score'];
    for (let i = 0; i < 400; i++) {
      const label = i % 3 === 0 ? 1 : 0;
      const score = ((label ? 0.6 : 0.2) + (i % 7) / 20).toFixed(2);
      const old = ((label ? 0.45 : 0.35) + (i % 7) / 20).toFixed(2);
      rows.push(`${i % 2 ? 'DE' : 'US'},${label},${score},${1 + (i % 3)},${old}`);
    }
    await page.contents.uploadContent(rows.join('\n'), 'text', `${tmpPath}/scores.csv`);
    await page.filebrowser.refresh();
    // The form, filled as a user would; the optional columns only when given.
    const analyse = async (fields: { weight?: string; baseline?: string; metrics: string }) => {
      await page
        .locator('.jp-DirListing-item', { hasText: 'scores.csv' })
        .click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Open with Slice Browser' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Label column', { exact: true }).fill('label');
      await dialog.getByLabel('Prediction column', { exact: true }).fill('score');
      await dialog.getByLabel(/Slice columns/).fill('country');
      if (fields.weight) {
        await dialog.getByLabel('Example weight column (optional)').fill(fields.weight);
      }
      if (fields.baseline) {
        await dialog.getByLabel('Baseline prediction column (optional)').fill(fields.baseline);
      }
      await dialog.getByRole('combobox', { name: 'Task' }).selectOption('binary');
      await dialog.getByRole('combobox', { name: /^Metrics/ }).selectOption(fields.metrics);
      await page.screenshot({ path: test.info().outputPath('slices-open-form.png') });
      await dialog.getByRole('button', { name: 'Analyse' }).click();
    };
    await analyse({ weight: 'weight', metrics: 'counts' });

    const view = page.locator('.kf-slices-main:visible .kf-slices');
    await expect(view).toBeVisible({ timeout: 60000 });
    await expect(view.locator('tr[data-slice="country=DE"]')).toBeVisible();
    await expect(view.locator('tr[data-slice="country=US"]')).toBeVisible();
    // Count-based only (the header says so): precision is there, the ranking metrics are not.
    await expect(view.locator('.kf-slices-meta')).toContainText('count-based metrics only');
    await expect(view.locator('td[data-metric="precision"]').first()).toBeVisible();
    await expect(view.locator('td[data-metric="rocAuc"]')).toHaveCount(0);
    // The task and the weight column chosen in the form, in the header.
    await expect(view.locator('.kf-slices-meta')).toContainText('400 rows · binary');
    await expect(view.locator('.kf-slices-meta')).toContainText('weighted by weight');
    await expect(view.getByRole('tab', { name: 'Baseline vs candidate' })).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'slices-open-with-counts.png') });

    // A baseline column (it needs every metric) gives the candidate-vs-baseline tab: a paired difference per
    // slice. The new result opens in a tab of its own.
    await analyse({ baseline: 'old_score', metrics: 'all' });
    await expect(view.locator('.kf-slices-meta')).not.toContainText('weighted');
    await view.getByRole('tab', { name: 'Baseline vs candidate' }).click();
    const baseline = view.locator('.kf-slices-baseline');
    await expect(baseline).toContainText('Candidate − baseline on the same rows');
    await expect(baseline.getByRole('columnheader', { name: /^Δ ROC-AUC/ })).toBeVisible();
    await expect(baseline.getByRole('row', { name: /^country DE/ })).toBeVisible();
    await view.getByRole('tab', { name: 'Slices' }).click();
    await expect(view.locator('tr[data-slice="country=DE"]')).toBeVisible();
    await expect(view.locator('td[data-metric="rocAuc"]').first()).toBeVisible();
  });
});
