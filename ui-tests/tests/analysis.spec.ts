/** The slice browser as a notebook output: analyze() on generated data, the threshold slider, reload without kernel. */
import { expect, test } from '@jupyterlab/galata';

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
});
