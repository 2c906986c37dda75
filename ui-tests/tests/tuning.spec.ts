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
    // Remove takes the file out again; Use current file puts it back.
    await form.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(form.getByText('tune_train.py', { exact: true })).toHaveCount(0);
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

    // Sorting by the objective puts the best trial first, and the other way round last.
    await view.getByRole('tab', { name: 'Overview' }).click();
    const rows = table.locator('tbody tr');
    await table.getByRole('button', { name: 'loss', exact: true }).click();
    await expect(table.getByRole('columnheader', { name: 'loss' })).toHaveAttribute(
      'aria-sort',
      'ascending'
    );
    await expect(rows.first()).toHaveClass(/kf-mod-best/);
    await table.getByRole('button', { name: 'loss', exact: true }).click();
    await expect(table.getByRole('columnheader', { name: 'loss' })).toHaveAttribute(
      'aria-sort',
      'descending'
    );
    await expect(rows.last()).toHaveClass(/kf-mod-best/);
    await table.getByRole('button', { name: '#', exact: true }).click();
    await expect(table.getByRole('columnheader', { name: '#' })).not.toHaveAttribute(
      'aria-sort',
      'none'
    );
    // Clicking a trial's row selects it (its curve is the highlighted one in Plots).
    const other = table.locator('tbody tr:not(.kf-mod-best)').first();
    await other.click();
    await expect(other).toHaveAttribute('aria-selected', 'true');
    await expect(table.locator('tbody tr.kf-mod-selected')).toHaveCount(1);

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
    // The best trial's logs, from the best trial panel; then another trial's, from the chooser.
    await view.getByRole('tab', { name: 'Overview' }).click();
    const bestName = (
      await view.getByRole('region', { name: 'Best trial' }).locator('h3').textContent()
    )?.match(/Best trial: (\S+) /)?.[1];
    expect(bestName).toBeTruthy();
    await view.getByRole('button', { name: 'Logs of the best trial' }).click();
    const trialChoice = view.locator('.kf-log-toolbar').getByRole('combobox').first();
    await expect(trialChoice).toHaveValue(bestName!);
    const logs = view.getByLabel('Trial logs', { exact: true });
    await expect(logs).toContainText('epoch=3 loss=');
    const bestLog = await logs.textContent();
    const otherName = await trialChoice.evaluate(
      (select: HTMLSelectElement, best) =>
        [...select.options].map(o => o.value).find(v => v && v !== best),
      bestName
    );
    await trialChoice.selectOption(otherName!);
    await expect(logs).toContainText('epoch=3 loss=');
    await expect(logs).not.toHaveText(bestLog!);
    // Search marks the matches; Download saves this trial's log under the study's name.
    await view.getByLabel('Search logs').fill('epoch=3');
    await expect(view.locator('.kf-log-count')).toHaveText('1 matches');
    await view.getByLabel('Search logs').fill('');
    const download = page.waitForEvent('download');
    await view.getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe(`form-study-${otherName}.log`);

    // The sidebar lists it with its best value.
    await page.sidebar.openTab(SIDEBAR);
    const row = page.locator('.kf-live-row[aria-label="form-study"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText('★');
    await expect(row).toContainText('4/4');
    await page.screenshot({ path: test.info().outputPath('studies-sidebar.png') });
    // The list's filters hide and show it.
    const studies = page.locator('.kf-section', { hasText: 'New study' });
    await studies.getByLabel('Status').selectOption('Failed');
    await expect(row).toHaveCount(0);
    await expect(studies.getByText('No studies match the filters')).toBeVisible();
    await studies.getByLabel('Status').selectOption('Succeeded');
    await expect(row).toBeVisible();
    await studies.getByPlaceholder('Filter by name').fill('no-such-study');
    await expect(row).toHaveCount(0);
    await studies.getByPlaceholder('Filter by name').fill('form');
    await expect(row).toBeVisible();
    await studies.getByPlaceholder('Filter by name').fill('');
    await studies.getByLabel('Status').selectOption('');
    // A click on the row brings its view to the front.
    await page.locator('.lm-TabBar-tab', { hasText: 'tune_train.py' }).click();
    await row.click();
    await expect(
      page.locator('.lm-TabBar-tab.lm-mod-current', { hasText: 'form-study' })
    ).toBeVisible();
    await expect(view.locator('.kf-detail-header h2')).toBeVisible();
    // New study, from the sidebar: an empty form.
    await studies.getByRole('button', { name: 'New study' }).click();
    const fresh = page.getByRole('form', { name: 'New hyperparameter study' }).last();
    await expect(fresh).toBeVisible();
    await expect(fresh.getByLabel('Name', { exact: true })).toHaveValue('');
    await expect(fresh.getByText('tune_train.py', { exact: true })).toHaveCount(0);
    // Start from job: a trial is a training job; its script, launcher and environment become the trial.
    await fresh.getByLabel('Start from job').selectOption('form-study-t0');
    await expect(fresh.getByText('tune_train.py', { exact: true })).toBeVisible();
    await expect(fresh.getByLabel('Environment', { exact: true })).toHaveValue(/^LR=0\.\d+/);
    await expect(fresh.getByLabel('Example trial command')).toHaveText('python tune_train.py');
    await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());
    await page.locator('.lm-TabBar-tab', { hasText: 'form-study' }).click();

    // Edit budget, cancelled: nothing changes.
    await view.getByRole('button', { name: 'Edit budget' }).click();
    await page.locator('.jp-Dialog').getByLabel('Max trials').fill('20');
    await confirm(page, 'Cancel');
    await expect(view.locator('.kf-detail-meta')).toContainText('4/4 trials');

    // Edit budget: more trials reopen the study; then stop it.
    await view.getByRole('button', { name: 'Edit budget' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Max trials').fill('2');
    await expect(dialog.getByText('must be at least 4, the trials already created')).toBeVisible();
    await dialog.getByLabel('Max trials').fill('10');
    await dialog.getByLabel('Parallel trials').fill('3');
    await dialog.getByLabel('Max failed trials').fill('2');
    await confirm(page, 'Save');
    await expect(view.locator('.kf-detail-meta')).toContainText('/10 trials');
    await expect(statusOf(view)).toHaveText('Running', { timeout: 30000 });
    await view.getByRole('button', { name: 'Stop' }).click();
    await confirm(page, 'Stop');
    await expect(statusOf(view)).toHaveText('Stopped', { timeout: 30000 });

    // YAML: the Experiment sent, and the workbench spec with the edited budget.
    await view.getByRole('tab', { name: 'YAML' }).click();
    await expect(view.getByLabel('YAML of form-study', { exact: true })).toContainText(
      'kind: Experiment'
    );
    await view.getByLabel(/Show the workbench spec instead/).check();
    const specYaml = view.getByLabel('YAML of form-study (workbench spec)');
    await expect(specYaml).toContainText('maxTrialCount: 10');
    await expect(specYaml).toContainText('parallelTrialCount: 3');
    await expect(specYaml).toContainText('maxFailedTrialCount: 2');
    await view.getByRole('tab', { name: 'Overview' }).click();

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

  test('the form: opened from the launcher and the palette, every field changes what would run', async ({
    page
  }) => {
    test.setTimeout(120000);
    const form = page.getByRole('form', { name: 'New hyperparameter study' });
    // The launcher tile opens the form.
    await page.locator('.jp-LauncherCard', { hasText: 'Hyperparameter study' }).click();
    await expect(form).toBeVisible();
    await expect(page.getByRole('tab', { name: 'New study' })).toHaveAttribute(
      'aria-selected',
      'true'
    );
    await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());
    await expect(form).toHaveCount(0);
    // So does the palette entry.
    await page.keyboard.press('Control+Shift+C');
    await page
      .getByRole('textbox', { name: /search/i })
      .first()
      .fill('New Hyperparameter Study');
    await page.locator('.lm-CommandPalette-item', { hasText: 'New Hyperparameter Study' }).click();
    await expect(form).toBeVisible();
    await expect(form.locator('.kf-form-namespace')).toContainText('local backend', {
      timeout: 60000
    });

    const preview = form.getByRole('group', { name: 'Preview' });
    const spec = form.getByLabel('Study spec');
    await form.getByRole('button', { name: 'Show the study spec' }).click();
    await expect(spec).toContainText('metricName: loss');

    // Objective: metric, direction, goal, additional metrics and their strategies.
    await form.getByLabel('Metric', { exact: true }).fill('accuracy');
    await form.getByLabel('Direction', { exact: true }).selectOption('maximize');
    await expect(preview).toContainText('each maximizes accuracy');
    await form.getByLabel('Goal', { exact: true }).fill('0.9');
    await form.getByLabel('Additional metrics', { exact: true }).fill('loss');
    await expect(spec).toContainText('goal: 0.9');
    await expect(spec).toContainText(/additionalMetricNames:\s+- loss/);
    await form.getByText('Metric strategies', { exact: true }).click();
    await form.getByLabel('loss', { exact: true }).selectOption('latest');
    await expect(spec).toContainText(/- name: loss\s+value: latest/);

    // Parameters: distribution, a second one of each kind, removed again.
    await form.getByLabel('Parameter 1 distribution').selectOption({ label: 'uniform' });
    await expect(spec).not.toContainText('logUniform');
    await form.getByRole('button', { name: 'Add parameter' }).click();
    await form.getByLabel('Parameter 2 name', { exact: true }).fill('layers');
    await form.getByLabel('Parameter 2 type').selectOption('int');
    await form.getByLabel('Parameter 2 min', { exact: true }).fill('1');
    await form.getByLabel('Parameter 2 max', { exact: true }).fill('3');
    await form.getByLabel('Parameter 2 step', { exact: true }).fill('1');
    await expect(preview).toContainText('LAYERS=1');
    await form.getByLabel('Parameter 2 type').selectOption('categorical');
    await expect(form.getByLabel('Parameter 2 min', { exact: true })).toHaveCount(0);
    await form.getByLabel('Parameter 2 values (comma-separated)').fill('4,8');
    await expect(preview).toContainText('LAYERS=4');
    await form.getByRole('button', { name: 'Remove parameter 2' }).click();
    await expect(form.getByLabel('Parameter 2 name', { exact: true })).toHaveCount(0);
    await expect(preview).not.toContainText('LAYERS=');

    // Algorithm: a cluster-only one says so on the local backend; a setting reaches the spec.
    await form.getByLabel('Algorithm', { exact: true }).selectOption('bayesianoptimization');
    await expect(
      form.getByText('The local backend does not run bayesianoptimization')
    ).toBeVisible();
    // Hyperband's resource is chosen among the numeric parameters.
    await form.getByLabel('Algorithm', { exact: true }).selectOption('hyperband');
    await form.getByLabel('Resource parameter', { exact: true }).selectOption('lr');
    await expect(spec).toContainText('resource_name: lr');
    await form.getByLabel('Algorithm', { exact: true }).selectOption('tpe');
    await expect(form.getByText(/The local backend does not run/)).toHaveCount(0);
    await form.getByLabel('Gamma', { exact: true }).fill('0.3');
    await expect(spec).toContainText(/gamma: "?0\.3/);

    // Early stopping and the rest of the budget.
    await form.getByLabel('Early stopping', { exact: true }).selectOption('medianstop');
    await expect(preview).toContainText('bad trials stopped early (median stop)');
    await form.getByLabel('Trials before stopping', { exact: true }).fill('2');
    await expect(spec).toContainText(/min_trials_required: "?2/);
    await form.getByLabel('Max failed trials', { exact: true }).fill('1');
    await form.getByLabel('Resume policy', { exact: true }).selectOption('LongRunning');
    await expect(spec).toContainText('maxFailedTrialCount: 1');
    await expect(spec).toContainText('resumePolicy: LongRunning');

    // Metrics from a file, in a custom format, tested with a line.
    await form.getByLabel('Read metrics from', { exact: true }).selectOption('File');
    await form.getByLabel('File path', { exact: true }).fill('/tmp/metrics.log');
    await expect(spec).toContainText('path: /tmp/metrics.log');
    await form.getByLabel('Line format', { exact: true }).selectOption('custom');
    await form.getByLabel('Regular expression', { exact: true }).fill('(\\w+):\\s*([-+\\d.eE]+)');
    await form.getByLabel('Test with a line', { exact: true }).fill('accuracy: 0.8');
    await expect(form.getByRole('status', { name: 'Metric format test' })).toContainText(
      'Reads accuracy = 0.8'
    );

    // The trial: command and environment with a parameter, framework, replicas and resources.
    await form
      .getByLabel('Command', { exact: true })
      .fill('python3 train.py --lr ${trialParameters.lr}');
    await expect(form.getByLabel('Example trial command')).toHaveText(
      'python3 train.py --lr 0.0001'
    );
    await form.getByLabel('Environment', { exact: true }).fill('RATE=${trialParameters.lr}');
    await expect(preview).toContainText('RATE=0.0001');
    await form.getByLabel('Framework', { exact: true }).selectOption('tensorflow');
    await expect(form.getByLabel('Chief replicas', { exact: true })).toBeVisible();
    await form.getByLabel('Worker replicas', { exact: true }).fill('1');
    await form.getByLabel('Image', { exact: true }).fill('python:3.12-slim');
    await form.getByLabel('Packages', { exact: true }).fill('numpy');
    await form.getByLabel('CPU per replica', { exact: true }).fill('1');
    await form.getByLabel('Memory per replica', { exact: true }).fill('1Gi');
    await form.getByLabel('GPUs per replica', { exact: true }).fill('1');
    await expect(spec).toContainText('framework: tensorflow');
    await expect(spec).toContainText('python:3.12-slim');
    await expect(spec).toContainText('numpy');
    await expect(spec).toContainText('1Gi');
    // Copy puts the spec, as shown, on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await form.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain('metricName: accuracy');
    // Everything above is valid: nothing to fix, the study could be created.
    await expect(form.getByText(/to fix$/)).toHaveCount(0);
    await expect(form.getByRole('button', { name: 'Create study' })).toBeEnabled();
    await form.getByRole('button', { name: 'Hide the study spec' }).click();
    await expect(spec).toHaveCount(0);
    await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());
  });
});
