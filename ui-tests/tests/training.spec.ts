/** Training jobs on the local backend: launched from the form and from a %%kf train cell, followed live. */
import { expect, test } from '@jupyterlab/galata';

const SIDEBAR = 'kubeflow-workbench:sidebar';

test.describe('training jobs', () => {
  test('launch from the form, reach Succeeded, read the logs of both replicas', async ({
    page
  }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('kubeflow:new-training-job');
    });
    const form = page.getByRole('form', { name: 'New training job' });
    await expect(form).toBeVisible();
    await form.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await expect(form.locator('[aria-invalid="true"]').first()).toBeVisible();
    await expect(form.getByRole('button', { name: 'Create job' })).toBeDisabled();
    await form.getByLabel('Name', { exact: true }).fill('form-ddp');
    await form.getByLabel('Master replicas').fill('1');
    await form.getByLabel('Worker replicas').fill('1');
    await form
      .getByLabel('Command', { exact: true })
      .fill(
        `python3 -c "import os; print('rank', os.environ['RANK'], 'of', os.environ['WORLD_SIZE'])"`
      );
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
    await page.screenshot({ path: test.info().outputPath('training-job-logs.png') });

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
  });
});
