/**
 * Training jobs on the local backend: launched from the form and from a %%kf train cell, followed live; every
 * control of the form, the job view, its logs and YAML used once with its effect checked.
 */
import { expect, test } from '@jupyterlab/galata';

const SIDEBAR = 'kubeflow-workbench:sidebar';
const API = '/kubeflow-workbench/api/v1';

/** What "Use current file" should take from the editor. */
const SCRIPT = '# the file open in the editor\nprint("from the current file")\n';

test.describe('training jobs', () => {
  // The YAML tab's Copy is checked by reading the clipboard back.
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test.beforeAll(async ({ request }) => {
    for (const [namespace, name] of [
      ['train-empty', 'train-gone'],
      ['default', 'train-taken']
    ]) {
      const res = await request.post(`${API}/namespaces/${namespace}/jobs`, {
        data: {
          name,
          framework: 'pytorch',
          replicas: { Worker: { count: 1 } },
          command: ['python3', '-c', 'print(1)']
        }
      });
      expect([200, 201]).toContain(res.status());
    }
  });

  test('launch from the form, reach Succeeded, read the logs of both replicas', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(SCRIPT, 'text', `${tmpPath}/train_ddp.py`);
    await page.filebrowser.open(`${tmpPath}/train_ddp.py`);
    // The sidebar's own button opens the form.
    await page.sidebar.openTab(SIDEBAR);
    await page
      .locator('#kf-training-jobs .kf-live-list-toolbar')
      .getByRole('button', { name: 'New training job' })
      .click();
    const form = page.getByRole('form', { name: 'New training job' });
    await expect(form).toBeVisible();
    await form.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await expect(form.locator('[aria-invalid="true"]').first()).toBeVisible();
    await expect(form.getByRole('button', { name: 'Create job' })).toBeDisabled();
    await form.getByLabel('Name', { exact: true }).fill('form-ddp');

    // Another framework, other roles; back to PyTorch.
    await form.getByLabel('Framework').selectOption('tensorflow');
    for (const role of ['Chief', 'PS', 'Worker', 'Evaluator']) {
      await expect(form.getByLabel(`${role} replicas`)).toBeVisible();
    }
    await expect(form.getByLabel('Master replicas')).toHaveCount(0);
    await form.getByLabel('Framework').selectOption('pytorch');
    await expect(form.getByLabel('Master replicas')).toBeVisible();
    await expect(form.getByLabel('Chief replicas')).toHaveCount(0);

    // The editor's file becomes the script; removing it leaves a plain command again.
    await form.getByRole('button', { name: 'Use current file' }).click();
    await expect(form.getByText('Script train_ddp.py')).toBeVisible();
    await expect(form.locator('.kf-code-editor .cm-content')).toContainText(
      'print("from the current file")'
    );
    await form.getByRole('button', { name: 'Remove script' }).click();
    await expect(form.getByText('No script: the command below runs as it is')).toBeVisible();
    await expect(form.locator('.kf-code-editor')).toHaveCount(0);

    await form.getByLabel('Master replicas').fill('1');
    await form.getByLabel('Worker replicas').fill('1');
    // Each replica says its rank, what it got from the form, then enough lines for the "Last" choice to cut.
    await form
      .getByLabel('Command', { exact: true })
      .fill(
        `python3 -c "import os, sys; print('rank', os.environ['RANK'], 'of', os.environ['WORLD_SIZE']); ` +
          `print('greeting', os.environ['GREETING'], 'args', *sys.argv[1:]); [print('step', i) for i in range(150)]"`
      );
    await form.getByLabel('Arguments', { exact: true }).fill('--epochs\n3');
    await form.getByLabel('Environment', { exact: true }).fill('GREETING=hello');
    await form.getByLabel('Clean pods').selectOption('None');
    await form.getByLabel('Retries (backoff limit)').fill('2');
    await form.getByLabel('Delete after finishing (seconds)').fill('3600');
    await form.getByLabel('Time limit (seconds)').fill('600');
    await expect(form.getByLabel('What each replica runs')).toContainText('--epochs 3');
    await page.screenshot({ path: test.info().outputPath('training-form.png') });
    await form.getByRole('button', { name: 'Create job' }).click();

    const view = page.locator('.jp-MainAreaWidget', { hasText: 'form-ddp' }).last();
    await expect(view.locator('.kf-status-badge').first()).toHaveText(/Succeeded/, {
      timeout: 60000
    });
    await view.getByRole('tab', { name: 'Logs' }).click();
    const logs = view.getByLabel('Job logs');
    await expect(logs).toContainText('rank 0 of 2', { timeout: 30000 });
    await expect(logs).toContainText('rank 1 of 2');
    await expect(logs).toContainText('greeting hello args --epochs 3');
    await page.screenshot({ path: test.info().outputPath('training-job-logs.png') });

    // One replica's lines only; then fewer lines (its first ones drop out), then all again.
    await view.getByLabel('Replica').selectOption('worker-0');
    await expect(logs).toContainText('rank 1 of 2');
    await expect(logs).not.toContainText('rank 0 of 2');
    await view.getByLabel(/^Last/).selectOption('100');
    await expect(logs).toContainText('step 149');
    await expect(logs).not.toContainText('rank 1 of 2');
    await view.getByLabel(/^Last/).selectOption('1000');
    await expect(logs).toContainText('rank 1 of 2');

    // The YAML has what the form's run policy, arguments and environment asked for; Copy copies it.
    await view.getByRole('tab', { name: 'YAML' }).click();
    const yaml = view.getByLabel(/^YAML of form-ddp/);
    for (const line of [
      'kind: PyTorchJob',
      'cleanPodPolicy: None',
      'backoffLimit: 2',
      'ttlSecondsAfterFinished: 3600',
      'activeDeadlineSeconds: 600',
      '--epochs',
      'GREETING'
    ]) {
      await expect(yaml).toContainText(line);
    }
    await view.getByRole('button', { name: 'Copy' }).click();
    await expect(view.locator('.kf-yaml-view').getByRole('status')).toHaveText('Copied');
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain('cleanPodPolicy: None');

    // Back to the overview: the replicas are there again.
    await view.getByRole('tab', { name: 'Overview' }).click();
    await expect(view.getByRole('tab', { name: 'Overview' })).toHaveAttribute(
      'aria-selected',
      'true'
    );
    await expect(view.getByRole('table', { name: 'Replicas' })).toContainText('worker-0');

    await page.sidebar.openTab(SIDEBAR);
    await expect(page.locator('.kf-live-row[aria-label="form-ddp"]')).toBeVisible();
  });

  test('%%kf train shows a live job card that reaches Succeeded', async ({ page }) => {
    await page.notebook.createNew('train.ipynb');
    await page.notebook.setCell(0, 'code', '%load_ext kubeflow_workbench');
    await page.notebook.addCell(
      'code',
      '%%kf train --framework pytorch --workers 2 --name nb-job\nimport os\nprint("rank", os.environ["RANK"])'
    );
    await page.notebook.run();
    const card = page.getByRole('group', { name: 'Training job nb-job' });
    await expect(card).toBeVisible({ timeout: 60000 });
    await expect(card.locator('.kf-status-badge').first()).toHaveText(/Succeeded/, {
      timeout: 60000
    });
    await page.screenshot({ path: test.info().outputPath('training-notebook-card.png') });

    await card.getByRole('button', { name: 'Open job view' }).click();
    const view = page
      .locator('.jp-MainAreaWidget', { has: page.locator('h2', { hasText: 'nb-job' }) })
      .last();
    await expect(view).toBeVisible();
    await expect(view.getByRole('table', { name: 'Replicas' })).toContainText('worker-0');
  });

  test('an empty namespace offers a new job; a refused create says why until dismissed', async ({
    page,
    request
  }) => {
    // Tall enough for the empty lists to show their hint and button (a short section shows only its title).
    await page.setViewportSize({ width: 1280, height: 1200 });
    await page.sidebar.openTab(SIDEBAR);
    const picker = page.getByLabel('Namespace');
    await picker.selectOption('train-empty');
    await expect(page.locator('.kf-live-row[aria-label="train-gone"]')).toBeVisible();
    const gone = await request.delete(`${API}/namespaces/train-empty/jobs/train-gone`);
    expect(gone.ok()).toBe(true);
    const empty = page
      .locator('#kf-training-jobs')
      .getByRole('status')
      .filter({ hasText: 'No training jobs in train-empty' });
    await empty.getByRole('button', { name: 'New training job' }).click();
    const form = page.getByRole('form', { name: 'New training job' });
    await expect(form.locator('.kf-form-namespace')).toHaveText('Namespace: train-empty');

    // train-taken exists in default with another command: the proxy refuses, the banner says so.
    await picker.selectOption('default');
    await expect(form.locator('.kf-form-namespace')).toHaveText('Namespace: default');
    await form.getByLabel('Name', { exact: true }).fill('train-taken');
    await form.getByLabel('Command', { exact: true }).fill('python3 -c "print(2)"');
    await form.getByRole('button', { name: 'Create job' }).click();
    const banner = form.getByRole('alert');
    await expect(banner).toContainText('A job named "train-taken" already exists');
    await form.getByRole('button', { name: 'Dismiss error' }).click();
    await expect(banner).toHaveCount(0);
    await expect(form).toBeVisible();
  });
});
