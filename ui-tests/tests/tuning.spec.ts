/**
 * Hyperparameter studies on the local backend (real proxy, real trial processes): launched from the form and
 * from a %%kf tune cell, followed live, every action clicked. Screenshots go to docs/screenshots/.
 */
import * as path from 'path';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

const SIDEBAR = 'kubeflow-workbench:sidebar';
const SHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

/** Prints the objective per epoch like a training loop; the best lr is near 0.03. LR arrives as env. */
const SCRIPT = `import os, time
lr = float(os.environ["LR"])
for epoch in range(4):
    loss = (lr - 0.03) ** 2 * 100 + 1.0 / (epoch + 1)
    print(f"epoch={epoch} loss={loss:.5f}", flush=True)
    time.sleep(0.7)
`;

function statusOf(view: Locator): Locator {
  return view.locator('.kf-detail-header .kf-status-badge');
}

async function confirm(page: IJupyterLabPageFixture, label: string): Promise<void> {
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: label }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe('hyperparameter studies', () => {
  // Room for the plots and the table in the screenshots.
  test.use({ viewport: { width: 1280, height: 900 } });

  test('launch from the form, watch it fill, then stop, edit budget, clone, train with best, delete', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(300000);
    // The launcher has the tile (category Kubeflow).
    await expect(
      page.locator('.jp-LauncherCard', { hasText: 'Hyperparameter study' })
    ).toBeVisible();
    await page.contents.uploadContent(SCRIPT, 'text', `${tmpPath}/tune_train.py`);
    await page.filebrowser.open(`${tmpPath}/tune_train.py`);
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('kubeflow:new-study');
    });
    const form = page.getByRole('form', { name: 'New hyperparameter study' });
    await expect(form).toBeVisible();
    // The proxy starts on first use: the namespace arrives when the cluster section has loaded.
    await expect(form.locator('.kf-form-namespace')).toContainText('default', { timeout: 60000 });

    // Validation as you type, with the shared messages.
    await form.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await expect(form.getByText(/must be lower-case letters/)).toBeVisible();
    await expect(form.getByRole('button', { name: 'Create study' })).toBeDisabled();
    await form.getByLabel('Name', { exact: true }).fill('form-study');
    await form.getByLabel('Algorithm', { exact: true }).selectOption('hyperband');
    await expect(form.getByLabel('Max resource (r_l)')).toBeVisible();
    await expect(form.getByLabel('Gamma')).toHaveCount(0);
    await form.getByLabel('Algorithm', { exact: true }).selectOption('random');
    await expect(form.getByLabel('Max resource (r_l)')).toHaveCount(0);

    await form.getByLabel('Parameter 1 min').fill('0.001');
    await form.getByLabel('Max trials').fill('4');
    await form.getByLabel('Parallel trials').fill('2');
    await form.getByLabel('Seed (local backend)').fill('7');
    await form.getByRole('button', { name: 'Use current file' }).click();
    await expect(form.getByText('tune_train.py', { exact: true })).toBeVisible();
    await form.getByLabel('Test with a line').fill('epoch=0 loss: 0.5');
    await expect(form.getByText(/print loss=<value>/)).toBeVisible();
    await form.getByLabel('Test with a line').fill('epoch=0 loss=0.5');
    await expect(form.getByRole('status', { name: 'Metric format test' })).toContainText(
      'Reads loss = 0.5'
    );
    await expect(form.getByLabel('Example trial command')).toHaveText('python tune_train.py');
    // From the top: objective, parameters and algorithm are what the screenshot should show.
    await form.evaluate(f => f.closest('.kf-job-form-widget')?.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'study-form-light.png') });
    await form.getByRole('button', { name: 'Create study' }).click();

    // The view opens and fills while the trials run.
    const view = page.locator('.jp-MainAreaWidget:has(.kf-study-view)').last();
    await expect(view.locator('.kf-detail-header h2')).toHaveText('form-study');
    const table = view.getByRole('table', { name: 'Trials of form-study' });
    // Live: trials show up Running, with values, before the study ends.
    await expect(table.locator('.kf-status-badge', { hasText: 'Running' }).first()).toBeVisible({
      timeout: 60000
    });
    await expect(table.getByRole('row')).toHaveCount(5, { timeout: 90000 });
    await expect(statusOf(view)).toHaveText('Succeeded', { timeout: 120000 });
    await expect(table.locator('tr.kf-mod-best')).toHaveCount(1);
    await expect(view.getByRole('region', { name: 'Best trial' })).toContainText('loss =');
    // The objective plot drew (Vega renders an SVG or a canvas).
    await expect(view.locator('.kf-study-chart .marks').first()).toBeVisible();
    // The plots re-render at most once a second: let the last state land.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SHOTS, 'study-view-light.png') });

    await page.theme.setDarkTheme();
    await expect(view.locator('.kf-study-chart .marks').first()).toBeVisible();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(SHOTS, 'study-view-dark.png') });
    await page.theme.setLightTheme();

    // Plots: parallel coordinates and per-trial curves.
    await view.getByRole('tab', { name: 'Plots' }).click();
    await expect(view.locator('.kf-study-chart .marks')).toHaveCount(2);
    await page.screenshot({ path: test.info().outputPath('study-plots.png') });

    // A trial's logs, from the table.
    await view.getByRole('tab', { name: 'Overview' }).click();
    await view.getByRole('button', { name: 'Logs of trial 1' }).click();
    await expect(view.getByRole('tab', { name: 'Trial logs' })).toHaveAttribute(
      'aria-selected',
      'true'
    );
    await expect(view.getByLabel('Trial logs', { exact: true })).toContainText('epoch=3 loss=', {
      timeout: 30000
    });

    // The sidebar lists it with its best value.
    await page.sidebar.openTab(SIDEBAR);
    const row = page.locator('.kf-live-row[aria-label="form-study"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText('★');
    await expect(row).toContainText('4/4');
    await page.screenshot({ path: test.info().outputPath('studies-sidebar.png') });

    // Edit budget: more trials reopen the study; then stop it.
    await view.getByRole('button', { name: 'Edit budget' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Max trials').fill('2');
    await expect(dialog.getByText('must be at least 4, the trials already created')).toBeVisible();
    await dialog.getByLabel('Max trials').fill('10');
    await confirm(page, 'Save');
    await expect(view.locator('.kf-detail-meta')).toContainText('/10 trials');
    await expect(statusOf(view)).toHaveText('Running', { timeout: 30000 });
    await view.getByRole('button', { name: 'Stop' }).click();
    await confirm(page, 'Stop');
    await expect(statusOf(view)).toHaveText('Stopped', { timeout: 30000 });

    // Clone into the form.
    await view.getByRole('button', { name: 'Clone' }).click();
    const clone = page.getByRole('form', { name: 'New hyperparameter study' }).last();
    await expect(clone.getByLabel('Metric', { exact: true })).toHaveValue('loss');
    await expect(clone.getByLabel('Parameter 1 min')).toHaveValue('0.001');
    await expect(clone.getByLabel('Algorithm', { exact: true })).toHaveValue('random');
    await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());

    // Train with the best parameters: the training form, prefilled.
    await page.locator('.lm-TabBar-tab', { hasText: 'form-study' }).click();
    await view.getByRole('button', { name: 'Train with best' }).click();
    const training = page.getByRole('form', { name: 'New training job' });
    await expect(training).toBeVisible();
    await expect(training.getByLabel('Environment')).toHaveValue(/^LR=0\.\d+/);
    // The trial's script, in the form's code editor.
    await expect(training.getByText('Script tune_train.py')).toBeVisible();
    await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());

    // Delete, confirmed: the view keeps the last state and says it is gone.
    await page.locator('.lm-TabBar-tab', { hasText: 'form-study' }).click();
    await view.getByRole('button', { name: 'Delete' }).click();
    await confirm(page, 'Delete');
    await expect(view.getByText(/no longer exists/)).toBeVisible({ timeout: 30000 });
    await expect(row).toHaveCount(0);
  });

  test('%%kf tune shows a live study widget that follows the study', async ({ page }) => {
    test.setTimeout(240000);
    await page.notebook.createNew('tune.ipynb');
    await page.notebook.setCell(0, 'code', '%load_ext kubeflow_workbench');
    await page.notebook.addCell(
      'code',
      [
        '%%kf tune --objective loss --minimize --param lr=double:0.001:0.1:log --param layers=int:1:3 ' +
          '--algorithm random --trials 4 --parallel 2 --seed 3 --name nb-study',
        'import os, time',
        'lr, layers = float(os.environ["LR"]), int(os.environ["LAYERS"])',
        'for epoch in range(3):',
        '    print(f"loss={(lr - 0.03) ** 2 * 100 + layers / 10 + 1 / (epoch + 1):.5f}", flush=True)',
        '    time.sleep(0.5)'
      ].join('\n')
    );
    await page.notebook.run();
    const card = page.getByRole('group', { name: 'Study nb-study' });
    await expect(card).toBeVisible({ timeout: 60000 });
    await expect(card.getByText('live', { exact: true })).toBeVisible();
    await expect(card.locator('.kf-job-card-header .kf-status-badge')).toHaveText('Succeeded', {
      timeout: 120000
    });
    await expect(
      card.getByRole('table', { name: 'Trials of nb-study' }).getByRole('row')
    ).toHaveCount(5);
    await expect(card.locator('.kf-study-chart .marks').first()).toBeVisible();
    // The plot re-renders at most once a second: let the final state land.
    await page.waitForTimeout(1500);
    await card.screenshot({ path: path.join(SHOTS, 'study-card.png') });
    await card.getByRole('button', { name: 'Open study view' }).click();
    await expect(page.locator('.kf-detail-header h2', { hasText: 'nb-study' })).toBeVisible();
  });

  test('a script printing the wrong format: trials say MetricsUnavailable and why', async ({
    page
  }) => {
    test.setTimeout(180000);
    await page.notebook.createNew('bad-format.ipynb');
    await page.notebook.setCell(0, 'code', '%load_ext kubeflow_workbench');
    await page.notebook.addCell(
      'code',
      [
        '%%kf tune --objective loss --minimize --param lr=double:0.001:0.1 --trials 2 --parallel 2 ' +
          '--algorithm random --name bad-format',
        'print("loss: 0.3", flush=True)'
      ].join('\n')
    );
    await page.notebook.run();
    const card = page.getByRole('group', { name: 'Study bad-format' });
    await expect(card).toBeVisible({ timeout: 60000 });
    await expect(
      card.locator('td .kf-status-badge', { hasText: 'MetricsUnavailable' })
    ).toHaveCount(2, {
      timeout: 90000
    });
    await card.getByRole('button', { name: 'Open study view' }).click();
    const view = page.locator('.jp-MainAreaWidget:has(.kf-study-view)').last();
    const table = view.getByRole('table', { name: 'Trials of bad-format' });
    await expect(table.locator('.kf-trial-reason').first()).toContainText(
      'never printed loss=<value>'
    );
    await expect(view.getByRole('region', { name: 'Best trial' })).toContainText('None yet');
    await expect(view.getByRole('region', { name: 'Metrics not collected' })).toContainText(
      'loss: 0.25 is not read'
    );
    await page.screenshot({ path: test.info().outputPath('metrics-unavailable.png') });
  });
});
