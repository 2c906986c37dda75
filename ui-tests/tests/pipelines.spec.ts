/**
 * Pipelines against a real jupyter lab and the real proxy (local backend), in Chromium: a 3-step pipeline built
 * by dragging files from the file browser, connected, given a parameter, run locally and watched until every
 * step is green; a step's logs and an output; the IR previewed and exported; every button of the editor and
 * the run view pressed once; light and dark screenshots for the docs.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { readFileSync } from 'fs';
import * as path from 'path';

const SHOTS = path.resolve(__dirname, '../../docs/screenshots');
const SIDEBAR = 'kubeflow-workbench:sidebar';

const GENERATE_NB = {
  cells: [
    {
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      source: ['rows = 3\n', "data = 'data.csv'"],
      outputs: [],
      execution_count: null
    },
    {
      cell_type: 'code',
      metadata: {},
      source: [
        'import csv, os\n',
        'os.makedirs(os.path.dirname(os.path.abspath(data)), exist_ok=True)\n',
        "with open(data, 'w', newline='') as f:\n",
        '    w = csv.writer(f)\n',
        "    w.writerow(['x'])\n",
        '    for i in range(rows):\n',
        '        w.writerow([i])\n',
        "print(f'generated {rows} rows')"
      ],
      outputs: [],
      execution_count: null
    }
  ],
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
  nbformat: 4,
  nbformat_minor: 5
};

const STATS_PY = `import argparse
p = argparse.ArgumentParser()
p.add_argument('--data')
p.add_argument('--count')
a = p.parse_args()
n = sum(1 for _ in open(a.data)) - 1
print(f'counted {n} rows')
open(a.count, 'w').write(str(n))
`;

const REPORT_PY = `import argparse, os
p = argparse.ArgumentParser()
p.add_argument('--count')
p.add_argument('--report')
a = p.parse_args()
os.makedirs(os.path.dirname(a.report), exist_ok=True)
open(a.report, 'w').write(f'# Report\\n\\nrows: {a.count}\\n')
print('report written')
`;

/** Drags a file-browser row onto the canvas at (dx, dy) from its top-left corner (a Lumino drag). */
async function dragFile(
  page: IJupyterLabPageFixture,
  name: string,
  canvas: Locator,
  dx: number,
  dy: number
) {
  const item = page.locator('.jp-DirListing-item', { hasText: name }).first();
  const from = (await item.boundingBox())!;
  const to = (await canvas.boundingBox())!;
  await page.mouse.move(from.x + 30, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 50, from.y + from.height / 2 + 10, { steps: 4 });
  await page.mouse.move(to.x + dx, to.y + dy, { steps: 12 });
  await page.mouse.up();
}

/** Drags from one handle to another (React Flow's connect gesture). */
async function connectHandles(page: IJupyterLabPageFixture, from: Locator, to: Locator) {
  // hover() checks that nothing covers the handle before pressing on it.
  await from.hover();
  await page.mouse.down();
  const b = (await to.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2 - 12, b.y + b.height / 2, { steps: 10 });
  await to.hover();
  await page.mouse.up();
}

/**
 * Waits until the canvas viewport's transform has not changed for 300 ms of frames: a fit animation (200 ms,
 * started a frame or two after the click) has ended, however slow the frames come.
 */
async function canvasAtRest(page: IJupyterLabPageFixture) {
  await page.evaluate(
    () =>
      new Promise<void>(resolve => {
        const viewport = () =>
          document.querySelector<HTMLElement>('.kf-pipeline-editor .react-flow__viewport')?.style
            .transform;
        let last = viewport();
        let since = performance.now();
        const frame = (now: number) => {
          const current = viewport();
          if (current !== last) {
            last = current;
            since = now;
          }
          if (now - since > 300) {
            resolve();
          } else {
            requestAnimationFrame(frame);
          }
        };
        requestAnimationFrame(frame);
      })
  );
}

const node = (page: IJupyterLabPageFixture, id: string) =>
  page.locator(`.kf-pipeline-editor .react-flow__node[data-id="${id}"]`);
const handle = (page: IJupyterLabPageFixture, id: string, handleId: string) =>
  node(page, id).locator(`.react-flow__handle[data-handleid="${handleId}"]`);
const toolbarButton = (page: IJupyterLabPageFixture, label: string) =>
  page
    .getByRole('toolbar', { name: 'main area toolbar' })
    .getByRole('button', { name: label, exact: true });

/** Adds a port to the selected node's properties and sets its name and type. */
async function addPort(
  page: IJupyterLabPageFixture,
  side: 'Inputs' | 'Outputs',
  name: string,
  type: string
) {
  const props = page.getByRole('complementary', { name: 'Properties' });
  await props.getByRole('button', { name: side === 'Inputs' ? 'Add input' : 'Add output' }).click();
  const names = props.locator('fieldset', { hasText: side }).locator('.kf-port-name');
  const field = names.last();
  await field.fill(name);
  await field.press('Tab');
  await props.getByLabel(`${side} ${name} type`).selectOption(type);
}

test.describe('pipelines', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  // Building, three local steps (one a notebook with its own kernel), a re-run: minutes on a busy machine.
  test.setTimeout(420000);

  test('build from the file browser, run locally, read logs and outputs, export the IR', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      JSON.stringify(GENERATE_NB),
      'text',
      `${tmpPath}/generate.ipynb`
    );
    await page.contents.uploadContent(STATS_PY, 'text', `${tmpPath}/stats.py`);
    await page.contents.uploadContent(REPORT_PY, 'text', `${tmpPath}/report.py`);
    await page.filebrowser.refresh();

    // The launcher tile creates Untitled.kfpipeline in the browser's folder and opens the editor.
    await page.menu.clickMenuItem('File>New Launcher');
    await page.locator('.jp-LauncherCard:visible', { hasText: 'Pipeline' }).first().click();
    const editor = page.locator('.kf-pipeline-editor');
    await expect(editor).toBeVisible({ timeout: 30000 });
    await expect(
      page.locator('.jp-DirListing-item', { hasText: 'Untitled.kfpipeline' })
    ).toBeVisible();
    const canvas = editor.locator('.kf-pipeline-canvas');

    // Pipeline parameter first (nothing selected: the panel shows the pipeline).
    const props = page.getByRole('complementary', { name: 'Properties' });
    await props.getByLabel('Name').fill('Galata demo');
    await props.getByLabel('Name').press('Enter');
    await props.getByRole('button', { name: 'Add parameter' }).click();
    await props.getByLabel('Parameter param_1 name').fill('rows');
    await props.getByLabel('Parameter param_1 name').press('Tab');
    await props.getByLabel('Parameter rows type').selectOption('NUMBER_INTEGER');
    await props.getByLabel('Parameter rows default').fill('7');
    await props.getByLabel('Parameter rows default').press('Tab');
    // The description goes into the IR (checked in the preview below); a parameter added by mistake goes.
    await props.getByLabel('Description').fill('Counts the rows it generates.');
    await props.getByLabel('Description').press('Tab');
    await props.getByRole('button', { name: 'Add parameter' }).click();
    await expect(props.getByLabel('Parameter param_2 name')).toBeVisible();
    await props.getByRole('button', { name: 'Remove parameter param_2' }).click();
    await expect(props.getByLabel('Parameter param_2 name')).toHaveCount(0);
    await expect(props.getByLabel('Parameter rows name')).toHaveValue('rows');

    // Three steps dragged from the file browser.
    await dragFile(page, 'generate.ipynb', canvas, 120, 200);
    await expect(node(page, 'generate')).toBeVisible();
    await addPort(page, 'Inputs', 'rows', 'NUMBER_INTEGER');
    await props.getByLabel('Value of rows').selectOption('param:rows');
    await addPort(page, 'Outputs', 'data', 'artifact:system.Dataset');

    await dragFile(page, 'stats.py', canvas, 480, 120);
    await expect(node(page, 'stats')).toBeVisible();
    await addPort(page, 'Inputs', 'data', 'artifact:system.Dataset');
    await addPort(page, 'Outputs', 'count', 'NUMBER_INTEGER');

    await dragFile(page, 'report.py', canvas, 480, 380);
    await expect(node(page, 'report')).toBeVisible();
    await addPort(page, 'Inputs', 'count', 'NUMBER_INTEGER');
    await addPort(page, 'Outputs', 'report', 'artifact:system.Markdown');

    // Unconnected inputs are named on their nodes until they are connected.
    await expect(node(page, 'stats').locator('.kf-step-problems')).toBeVisible();
    await editor.getByRole('button', { name: 'Auto-layout' }).click();
    // Auto-layout ends with an animated fit: let the canvas come to rest before pressing on its handles.
    await canvasAtRest(page);
    await connectHandles(
      page,
      handle(page, 'generate', 'out:data'),
      handle(page, 'stats', 'in:data')
    );
    await expect(editor.locator('.react-flow__edge')).toHaveCount(1);
    // Validation catches up (the problem line under the step goes away) before the next gesture.
    await expect(node(page, 'stats').locator('.kf-step-problems')).toHaveCount(0);
    await connectHandles(
      page,
      handle(page, 'stats', 'out:count'),
      handle(page, 'report', 'in:count')
    );
    await expect(editor.locator('.react-flow__edge')).toHaveCount(2);
    await expect(editor.locator('.kf-canvas-status')).toContainText('no problems', {
      timeout: 15000
    });

    // A port's ×: report's input goes, and the edge into it; Undo brings both back.
    await node(page, 'report').click();
    await expect(props.getByLabel('Task name')).toHaveValue('report');
    await props.getByRole('button', { name: 'Remove input count' }).click();
    await expect(handle(page, 'report', 'in:count')).toHaveCount(0);
    await expect(editor.locator('.react-flow__edge')).toHaveCount(1);
    await editor.getByRole('button', { name: 'Undo' }).click();
    await expect(handle(page, 'report', 'in:count')).toHaveCount(1);
    await expect(editor.locator('.react-flow__edge')).toHaveCount(2);

    // A step's label (on its node), retries and environment (in the IR preview below), and its file opened.
    await node(page, 'stats').click();
    // The panel follows the canvas's selection a moment later: type only once it shows this step.
    await expect(props.getByLabel('Task name')).toHaveValue('stats');
    await props.getByLabel('Label', { exact: true }).fill('Count rows');
    await props.getByLabel('Label', { exact: true }).press('Enter');
    await expect(node(page, 'stats').locator('.kf-step-label')).toHaveText('Count rows');
    await props.getByLabel('Retries').fill('2');
    await props.getByLabel('Retries').press('Enter');
    await props.getByLabel(/^Environment/).fill('GREETING=hello');
    await props.getByLabel(/^Environment/).press('Tab');
    await props.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('tab', { name: 'stats.py' })).toBeVisible();
    await expect(page.locator('.jp-FileEditor:visible')).toContainText('counted');
    await page.getByRole('tab', { name: 'stats.py' }).locator('.lm-TabBar-tabCloseIcon').click();
    await expect(page.getByRole('tab', { name: 'stats.py' })).toHaveCount(0);
    await page.activity.activateTab('Untitled.kfpipeline');
    await expect(editor).toBeVisible();

    // Every canvas button once: palette kinds, auto-layout, fit, undo/redo, delete.
    await editor.getByRole('button', { name: 'Container' }).click();
    await expect(node(page, 'container')).toBeVisible();
    // An input fed by nothing is a problem until it is given a constant.
    await addPort(page, 'Inputs', 'greeting', 'STRING');
    const containerProblems = node(page, 'container').locator('.kf-step-problems');
    await expect(containerProblems).toHaveAttribute('title', /input 'greeting' is not connected/);
    await props.getByLabel('Constant of greeting').fill('hello');
    await props.getByLabel('Constant of greeting').press('Tab');
    await expect(containerProblems).toHaveCount(0);
    await editor.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(node(page, 'container')).toHaveCount(0);
    await editor.getByRole('button', { name: 'Undo' }).click();
    await expect(node(page, 'container')).toHaveCount(1);
    await editor.getByRole('button', { name: 'Redo' }).click();
    await expect(node(page, 'container')).toHaveCount(0);
    for (const kind of ['Notebook', 'Python script', 'Python function']) {
      await editor.getByRole('button', { name: kind, exact: true }).click();
    }
    await expect(editor.locator('.react-flow__node')).toHaveCount(6);
    // Keyboard delete of the selected palette step, then undo-by-button of the other two.
    await node(page, 'function').click();
    await page.keyboard.press('Delete');
    await expect(editor.locator('.react-flow__node')).toHaveCount(5);
    await node(page, 'script').click();
    await page.keyboard.press('Delete');
    await node(page, 'notebook').click();
    await page.keyboard.press('Delete');
    await expect(editor.locator('.react-flow__node')).toHaveCount(3);
    await editor.getByRole('button', { name: 'Auto-layout' }).click();
    await editor.getByRole('button', { name: 'Fit', exact: true }).click();

    // No Kubeflow Pipelines here (local backend): Submit to Kubeflow is off and says why.
    const submit = toolbarButton(page, 'Submit to Kubeflow');
    await expect(submit).toBeDisabled();
    await expect(page.locator('.kf-pipeline-document .kf-submit-kfp')).toHaveAttribute(
      'title',
      /^Kubeflow Pipelines/
    );

    // Preview and export the IR.
    await toolbarButton(page, 'Preview IR').click();
    await expect(page.getByLabel('IR YAML')).toContainText('# PIPELINE DEFINITION', {
      timeout: 30000
    });
    await expect(page.getByLabel('IR YAML')).toContainText('galata-demo');
    await expect(page.getByLabel('IR YAML')).toContainText(
      '# Description: Counts the rows it generates.'
    );
    await expect(page.getByLabel('IR YAML')).toContainText('maxRetryCount: 2');
    await expect(page.getByLabel('IR YAML')).toContainText('GREETING');
    const downloading = page.waitForEvent('download');
    await toolbarButton(page, 'Export IR').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Untitled.yaml');
    await page
      .getByRole('region', { name: 'Compiled IR' })
      .getByRole('button', { name: 'Close' })
      .click();

    await page.keyboard.press('Control+s');
    await node(page, 'stats').click();
    await editor.getByRole('button', { name: 'Fit', exact: true }).click();
    await canvasAtRest(page);
    await page.screenshot({ path: `${SHOTS}/pipeline-editor-light.png` });
    await page.theme.setDarkTheme();
    await page.screenshot({ path: `${SHOTS}/pipeline-editor-dark.png` });
    await page.theme.setLightTheme();

    // Run locally: the run view opens and every step turns green.
    await toolbarButton(page, 'Run locally').click();
    // The run view in the active main-area tab (views of earlier runs stay open in hidden tabs).
    const current = () => page.locator('.kf-run-view:visible');
    const view = current();
    await expect(view).toBeVisible({ timeout: 30000 });
    const steps = view.locator('.kf-step-node');
    await expect(steps).toHaveCount(3);
    for (const id of ['generate', 'stats', 'report']) {
      await expect(view.locator(`.kf-step-node[data-step="${id}"]`)).toHaveAttribute(
        'data-phase',
        'Succeeded',
        {
          timeout: 120000
        }
      );
    }
    await expect(view.locator('.kf-detail-header .kf-status-badge')).toHaveText('Succeeded');
    const firstRun = (await view.locator('.kf-detail-header h2').textContent())!;

    // A step's logs, then an output's preview.
    await view.locator('.react-flow__node[data-id="stats"]').click();
    await expect(view.getByLabel('Logs of step stats')).toContainText('counted 7 rows', {
      timeout: 30000
    });
    await view.getByRole('searchbox', { name: 'Search logs' }).fill('counted');
    await expect(view.locator('.kf-log-text mark')).toHaveCount(1);
    await view.locator('.react-flow__node[data-id="report"]').click();
    await view.getByRole('tab', { name: 'Inputs & outputs' }).click();
    const artifact = view.getByRole('group', { name: 'Artifact report' });
    await artifact.getByRole('button', { name: 'Preview' }).click();
    await expect(view.getByLabel('Preview of report')).toContainText('rows: 7');
    await page.screenshot({ path: `${SHOTS}/run-view-light.png` });
    await page.theme.setDarkTheme();
    await page.screenshot({ path: `${SHOTS}/run-view-dark.png` });
    await page.theme.setLightTheme();

    // The artifact's Download link saves the file under its artifact name with its type's extension (a
    // Markdown report: .md); the Logs tab brings the logs back.
    const saving = page.waitForEvent('download');
    await artifact.getByRole('link', { name: 'Download' }).click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe('report.md');
    expect(readFileSync((await saved.path())!, 'utf8')).toContain('rows: 7');
    await view.getByRole('tab', { name: 'Logs', exact: true }).click();
    await expect(view.getByLabel('Logs of step report')).toContainText('report written', {
      timeout: 30000
    });

    // The other tabs and actions of the run view.
    await view.getByRole('tab', { name: 'Steps' }).click();
    await expect(view.getByRole('table', { name: 'Steps' })).toContainText('report');
    // A row of the table selects its step: the panel below shows it; its executed notebook opens.
    await view
      .getByRole('table', { name: 'Steps' })
      .getByRole('row')
      .filter({ hasText: 'generate' })
      .click();
    const generate = view.getByRole('region', { name: 'Step generate' });
    await expect(generate).toBeVisible();
    await generate.getByRole('tab', { name: 'Inputs & outputs' }).click();
    await generate
      .getByRole('group', { name: 'Artifact executed_notebook' })
      .getByRole('button', { name: 'Preview' })
      .click();
    await generate.getByRole('button', { name: 'Open executed notebook' }).click();
    await expect(
      page.getByRole('tab', { name: `${firstRun}-generate.executed.ipynb` })
    ).toBeVisible();
    await expect(page.locator('.jp-NotebookPanel:visible')).toContainText('generated 7 rows');
    // (activity.activateTab would match the notebook's tab too: its name starts with the run's.)
    await page.getByRole('tab', { name: firstRun, exact: true }).click();
    await expect(view).toBeVisible();
    await view.getByRole('tab', { name: 'Details' }).click();
    await expect(view.getByRole('table', { name: 'Run parameters' })).toContainText('7');
    await view.getByRole('tab', { name: 'Graph' }).click();
    await view.locator('.react-flow__node[data-id="report"]').click();
    await view.getByRole('button', { name: 'Run only step' }).click();
    const only = current();
    await expect(only.locator('.kf-detail-header h2')).not.toHaveText(firstRun);
    const onlyRun = (await only.locator('.kf-detail-header h2').textContent())!;
    await expect(only.locator('.kf-step-node[data-step="report"]')).toHaveAttribute(
      'data-phase',
      'Succeeded',
      {
        timeout: 60000
      }
    );

    // Re-run everything: every step is taken from the cache.
    await only.getByRole('button', { name: 'Re-run', exact: true }).click();
    const rerun = current();
    await expect(rerun.locator('.kf-detail-header h2')).not.toHaveText(onlyRun);
    await expect(rerun.locator('.kf-step-node[data-step="generate"]')).toHaveAttribute(
      'data-phase',
      'Cached',
      { timeout: 60000 }
    );
    const rerunName = (await rerun.locator('.kf-detail-header h2').textContent())!;

    // Run from a step: the steps before it are reused, it and the ones after run again.
    await rerun.locator('.react-flow__node[data-id="stats"]').click();
    await rerun.getByRole('button', { name: 'Run from step' }).click();
    const from = current();
    await expect(from.locator('.kf-detail-header h2')).not.toHaveText(rerunName);
    await expect(from.locator('.kf-step-node[data-step="report"]')).toHaveAttribute(
      'data-phase',
      /Succeeded|Cached/,
      { timeout: 60000 }
    );
    await expect(from.locator('.kf-step-node[data-step="generate"]')).toHaveAttribute(
      'data-phase',
      'Cached'
    );

    // The pipeline link in Details opens the pipeline the run was made from.
    const pipelineTab = page.getByRole('tab', { name: 'Untitled.kfpipeline' });
    await from.getByRole('tab', { name: 'Details' }).click();
    await expect(pipelineTab).toHaveAttribute('aria-selected', 'false');
    await from.getByRole('button', { name: /Untitled\.kfpipeline$/ }).click();
    await expect(pipelineTab).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('.kf-pipeline-editor:visible')).toBeVisible();

    // Without caching on the notebook step, a new run really runs it: cancel it while it does, then delete it.
    await page.activity.activateTab('Untitled.kfpipeline');
    await node(page, 'generate').click();
    await props.getByLabel('Cache results').uncheck();
    await toolbarButton(page, 'Run locally').click();
    const again = current();
    await expect(again).toBeVisible();
    await expect(again.locator('.kf-step-node[data-step="generate"]')).toHaveAttribute(
      'data-phase',
      /Pending|Running/,
      { timeout: 30000 }
    );
    await again.getByRole('button', { name: 'Cancel' }).click();
    await expect(again.locator('.kf-detail-header .kf-status-badge')).toHaveText('Cancelled', {
      timeout: 60000
    });
    await again.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(again.getByText('This run no longer exists')).toBeVisible({ timeout: 30000 });

    // The sidebar lists the runs live (this pipeline's four; other specs may have left runs of theirs); a row
    // opens its run view.
    await page.sidebar.openTab(SIDEBAR);
    const rows = page.locator('.kf-run-list .kf-live-row', { hasText: 'galata-demo-' });
    await expect(rows).toHaveCount(4, { timeout: 30000 });
    await page.locator('.kf-run-list .kf-live-row', { hasText: firstRun }).click();
    await expect(page.locator('.jp-MainAreaWidget:visible .kf-detail-header h2')).toHaveText(
      firstRun
    );

    // A %kf pipeline run output (the run mime bundle) renders as a live card, no kernel needed to follow it.
    await page.notebook.createNew('card.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      `from IPython.display import display\ndisplay({'application/vnd.kubeflow.run+json': {'name': '${firstRun}', 'namespace': 'default'}, 'text/plain': '${firstRun}'}, raw=True)`
    );
    await page.notebook.run();
    const card = page.getByRole('group', { name: `Pipeline run ${firstRun}` });
    await expect(card.getByLabel('Run status: Succeeded')).toBeVisible({ timeout: 60000 });
    await card.getByRole('button', { name: 'Open run view' }).click();
    await expect(page.locator('.jp-MainAreaWidget:visible .kf-detail-header h2')).toHaveText(
      firstRun
    );

    // "New Pipeline" from the command palette makes the next free Untitled file.
    await page.keyboard.press('Control+Shift+C');
    await page.locator('.lm-CommandPalette-input').fill('New Pipeline');
    await page.keyboard.press('Enter');
    // The sidebar shows the Kubeflow panel now: the new document's tab says it was made and opened.
    await expect(page.getByRole('tab', { name: 'Untitled1.kfpipeline' })).toBeVisible();
    await expect(page.locator('.kf-pipeline-editor:visible')).toBeVisible();

    // So does the sidebar's "New pipeline" button above the runs.
    await page.sidebar.openTab(SIDEBAR);
    await page
      .locator('.kf-run-list')
      .getByRole('button', { name: 'New pipeline', exact: true })
      .click();
    await expect(page.getByRole('tab', { name: 'Untitled2.kfpipeline' })).toBeVisible();
    await expect(page.locator('.kf-pipeline-editor:visible')).toBeVisible();
  });
});
