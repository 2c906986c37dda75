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
    // A small scored dataset: two countries, the score a noisy copy of the label.
    const rows = ['country,label,score'];
    for (let i = 0; i < 400; i++) {
      const label = i % 3 === 0 ? 1 : 0;
      rows.push(
        `${i % 2 ? 'DE' : 'US'},${label},${((label ? 0.6 : 0.2) + (i % 7) / 20).toFixed(2)}`
      );
    }
    await page.contents.uploadContent(rows.join('\n'), 'text', `${tmpPath}/scores.csv`);
    await page.filebrowser.refresh();
    await page.locator('.jp-DirListing-item', { hasText: 'scores.csv' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Open with Slice Browser' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label column', { exact: true }).fill('label');
    await dialog.getByLabel('Prediction column', { exact: true }).fill('score');
    await dialog.getByLabel(/Slice columns/).fill('country');
    await dialog.getByRole('combobox', { name: /^Metrics/ }).selectOption('counts');
    await page.screenshot({ path: test.info().outputPath('slices-open-form.png') });
    await dialog.getByRole('button', { name: 'Analyse' }).click();

    const view = page.locator('.kf-slices-main:visible .kf-slices');
    await expect(view).toBeVisible({ timeout: 60000 });
    await expect(view.locator('tr[data-slice="country=DE"]')).toBeVisible();
    await expect(view.locator('tr[data-slice="country=US"]')).toBeVisible();
    // Count-based only (the header says so): precision is there, the ranking metrics are not.
    await expect(view.locator('.kf-slices-meta')).toContainText('count-based metrics only');
    await expect(view.locator('td[data-metric="precision"]').first()).toBeVisible();
    await expect(view.locator('td[data-metric="rocAuc"]')).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'slices-open-with-counts.png') });
  });
});
