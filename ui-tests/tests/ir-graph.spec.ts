/**
 * An IR YAML compiled by the kfp SDK (examples/kfp/*.yaml, written by kfp 2.17's compiler) opened read-only as a
 * pipeline graph, against a real jupyter lab and the real proxy (local backend): from the file browser's context
 * menu and from the palette, its steps and parameters read, Reload, Run locally until green; with no Kubeflow
 * Pipelines here, "Submit to Kubeflow" is off and says why. Submission itself: tests-k8s/kfp.spec.ts.
 */
import { expect, test } from '@jupyterlab/galata';
import { readFileSync } from 'fs';
import * as path from 'path';

const EXAMPLES = path.resolve(__dirname, '../../examples/kfp');
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

test.describe('IR YAML as a pipeline graph (local backend)', () => {
  test.use({ viewport: { width: 1400, height: 850 } });
  test.setTimeout(240000);

  test('opens from the context menu and the palette, shows steps, runs locally', async ({
    page,
    tmpPath
  }) => {
    for (const file of ['hello_containers.yaml', 'train_eval.yaml']) {
      await page.contents.uploadContent(
        readFileSync(path.join(EXAMPLES, file), 'utf8'),
        'text',
        `${tmpPath}/${file}`
      );
    }
    await page.filebrowser.refresh();

    // The file browser's context menu on a .yaml file.
    await page
      .locator('.jp-DirListing-item', { hasText: 'train_eval.yaml' })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Open as Pipeline Graph' }).click();
    const graph = page.locator('.kf-ir-graph:visible');
    await expect(graph.locator('.kf-step-node')).toHaveCount(4, { timeout: 30000 });
    await expect(graph.locator('.kf-ir-graph-header h2')).toHaveText('train-eval');
    await expect(graph.locator('.react-flow__edge')).toHaveCount(4);
    const params = graph.getByRole('table', { name: 'Parameters' });
    await expect(params).toContainText('rows');
    await expect(params).toContainText('NUMBER_INTEGER');
    await graph.locator('.react-flow__node[data-id="train"]').click();
    const side = graph.getByRole('region', { name: 'Step train' });
    await expect(side).toContainText('python:3.11');
    await expect(side).toContainText('lr');

    // No KFP with the local backend: Submit to Kubeflow is off, with the reason as its tooltip.
    const toolbar = page.getByRole('toolbar', { name: 'main area toolbar' });
    const submit = toolbar.getByRole('button', { name: 'Submit to Kubeflow', exact: true });
    await expect(submit).toBeDisabled();
    await expect(page.locator('.kf-ir-graph-tab:visible .kf-submit-kfp')).toHaveAttribute(
      'title',
      /^Kubeflow Pipelines/
    );
    await page.screenshot({ path: `${SHOTS}/ir-graph-light.png` });
    await page.theme.setDarkTheme();
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    await page.screenshot({ path: `${SHOTS}/ir-graph-dark.png` });
    await page.theme.setLightTheme();

    // The palette, on the file selected in the browser.
    await page.locator('.jp-DirListing-item', { hasText: 'hello_containers.yaml' }).click();
    await page.keyboard.press('Control+Shift+C');
    await page.locator('#modal-command-palette input').fill('Open as Pipeline Graph');
    await page.keyboard.press('Enter');
    const hello = page.locator('.kf-ir-graph:visible');
    await expect(hello.locator('.kf-ir-graph-header h2')).toHaveText('hello-containers', {
      timeout: 30000
    });
    await expect(hello.locator('.kf-step-node')).toHaveCount(2);
    await toolbar.getByRole('button', { name: 'Reload', exact: true }).click();
    await expect(hello.locator('.kf-step-node')).toHaveCount(2);

    // Run locally: the IR as compiled, on this machine; the run view follows it to green.
    await toolbar.getByRole('button', { name: 'Run locally', exact: true }).click();
    const view = page.locator('.kf-run-view:visible');
    await expect(view).toBeVisible({ timeout: 30000 });
    for (const id of ['say', 'shout']) {
      await expect(view.locator(`.kf-step-node[data-step="${id}"]`)).toHaveAttribute(
        'data-phase',
        'Succeeded',
        { timeout: 120000 }
      );
    }
    // The run of an IR draws the IR's edges (no document to take them from).
    await expect(view.locator('.react-flow__edge')).toHaveCount(1);
    await view.locator('.react-flow__node[data-id="shout"]').click();
    await expect(view.getByLabel('Logs of step shout')).toContainText('hello!!', {
      timeout: 30000
    });
  });
});
