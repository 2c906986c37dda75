/**
 * Pipelines on Kubeflow, against the real jupyter lab, the real proxy (kubernetes backend, as alice in team-a) and
 * the KFP v2beta1 stand-in (test/kfp/standin.ts) that creates real Argo Workflow objects in the test apiserver.
 * The test plays Argo and the kubelet through ui-tests/k8s/kfp.ts's control endpoint: it advances the Workflow and
 * creates the step pods, and the browser sees each change live (no reload). Checked: the connection badge, the
 * editor's Submit to Kubeflow (a refusal shown verbatim with its field path, then a run), the run in the sidebar
 * with its experiment and the experiment filter, the DAG going Running → stuck (ImagePullBackOff) → Failed, a
 * step's pod and logs, Retry, Archive/Unarchive, Cancel, Delete; the IR graph of a kfp-compiled YAML submitted;
 * the `kfpEndpoint` setting changed in the Settings Editor taking effect at once.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import { readFileSync } from 'fs';
import * as path from 'path';

const SIDEBAR = 'kubeflow-workbench:sidebar';
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');
const EXAMPLES = path.resolve(__dirname, '../../examples/kfp');
/** Long enough for a change to travel Workflow/pod → stand-in agent / proxy watch → stream → view. */
const LIVE = { timeout: 30000 };
const UNPULLABLE = 'registry.invalid/trainer:1';

interface IShared {
  kfp: { url: string; control: string };
}
const shared = (): IShared =>
  JSON.parse(readFileSync(process.env.KFWB_K8S_CLUSTER_INFO!, 'utf8')) as IShared;

/** Plays Argo (`/advance`) or the kubelet (`/pod`) for the stand-in. */
async function control(route: '/advance' | '/pod', body: object): Promise<void> {
  const res = await fetch(`${shared().kfp.control}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  if (!res.ok) {
    throw new Error(`${route}: ${res.status} ${await res.text()}`);
  }
}

/** Two container steps, `prepare` then `train`, with an integer parameter. */
const DOCUMENT = {
  version: 1,
  name: 'galata-kfp',
  description: 'Submitted to the KFP stand-in by Galata',
  parameters: [{ name: 'rows', type: 'NUMBER_INTEGER', default: 3 }],
  nodes: [
    {
      id: 'prepare',
      label: 'Prepare',
      kind: 'container',
      image: 'alpine:3.20',
      command: ['sh', '-c', 'echo rows=$0', '{{inputs.rows}}'],
      inputs: [{ name: 'rows', type: 'NUMBER_INTEGER', parameter: 'rows' }],
      outputs: [],
      position: { x: 40, y: 80 }
    },
    {
      id: 'train',
      label: 'Train',
      kind: 'container',
      image: UNPULLABLE,
      command: ['sh', '-c', 'echo training'],
      inputs: [],
      outputs: [],
      position: { x: 340, y: 80 }
    }
  ],
  edges: [{ from: { node: 'prepare' }, to: { node: 'train' } }]
};

const toolbarButton = (page: IJupyterLabPageFixture, label: string) =>
  page
    .getByRole('toolbar', { name: 'main area toolbar' })
    .getByRole('button', { name: label, exact: true });

/** The run view of the active tab. */
const runView = (page: IJupyterLabPageFixture) => page.locator('.kf-run-view:visible');
const stepNode = (view: Locator, task: string) =>
  view.locator(`.kf-step-node[data-step="${task}"]`);

/** The submit dialog: fills it, presses Submit. */
async function submitDialog(
  page: IJupyterLabPageFixture,
  values: {
    name?: string;
    experiment?: string;
    params?: Record<string, string>;
    /** Submit with Enter in the last field typed, not a click. */
    keyboard?: boolean;
  },
  screenshot?: string
): Promise<Locator> {
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByRole('group', { name: 'Submit to Kubeflow Pipelines' })).toBeVisible();
  if (values.name !== undefined) {
    await dialog.getByLabel('Run name', { exact: true }).fill(values.name);
  }
  if (values.experiment !== undefined) {
    await dialog.getByLabel('Experiment', { exact: true }).fill(values.experiment);
  }
  for (const [name, value] of Object.entries(values.params ?? {})) {
    await dialog.getByLabel(name, { exact: true }).fill(value);
  }
  if (screenshot) {
    await page.screenshot({ path: `${SHOTS}/${screenshot}` });
  }
  if (values.keyboard) {
    await page.keyboard.press('Enter');
  } else {
    await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
  }
  return dialog;
}

/** Sets a workbench setting in the Settings Editor's form, as a user would; waits until it is saved. */
async function setSetting(
  page: IJupyterLabPageFixture,
  title: string,
  value: string
): Promise<void> {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('settingeditor:open', { query: 'Kubeflow Workbench' });
  });
  const editor = page.locator('.jp-SettingsPanel, .jp-SettingsEditor').first();
  const group = editor.getByRole('group', { name: 'Kubeflow Workbench' });
  await expect(group).toBeVisible();
  const saved = page.waitForResponse(
    r => r.url().includes('/lab/api/settings/kubeflow-workbench') && r.request().method() === 'PUT'
  );
  const field = group
    .getByRole('heading', { name: title, exact: true })
    .locator('xpath=following::*[self::input or self::select or self::textarea][1]');
  await field.fill(value);
  await field.press('Tab');
  await saved;
}

test.describe('kubernetes mode: pipelines on Kubeflow (KFP stand-in)', () => {
  test.use({ viewport: { width: 1500, height: 900 } });
  test.setTimeout(300000);

  test('the sidebar shows the KFP connection: how it was found', async ({ page }) => {
    await page.sidebar.openTab(SIDEBAR);
    const kfp = page.getByRole('group', { name: 'Kubeflow Pipelines connection' });
    const badge = kfp.locator('.kf-kfp-badge');
    await expect(badge).toHaveText('connected', LIVE);
    await badge.click();
    await expect(kfp).toContainText('the configured URL');
    await expect(kfp).toContainText(shared().kfp.url);
  });

  test('submit the editor pipeline, follow it live, act on it', async ({ page, tmpPath }) => {
    const file = `${tmpPath}/galata-kfp.kfpipeline`;
    await page.contents.uploadContent(JSON.stringify(DOCUMENT, null, 2), 'text', file);
    await page.evaluate(async path => {
      await window.jupyterapp.commands.execute('docmanager:open', { path });
    }, file);
    await expect(page.locator('.kf-pipeline-editor .kf-step-node')).toHaveCount(2, LIVE);
    const submit = toolbarButton(page, 'Submit to Kubeflow');
    await expect(submit).toBeEnabled(LIVE);

    // A value KFP cannot take: refused with the field path, the dialog comes back with what was typed.
    await submit.click();
    const dialog = await submitDialog(page, {
      name: 'galata-kfp-1',
      experiment: 'galata-exp',
      params: { rows: 'many' }
    });
    const refused = dialog.getByRole('alert', { name: 'Submission refused' });
    await expect(refused).toContainText('/parameters/rows', LIVE);
    await expect(dialog.getByLabel('Run name', { exact: true })).toHaveValue('galata-kfp-1');
    await submitDialog(page, { params: { rows: '5' } }, 'kfp-submit-dialog.png');

    // The run view opens on the KFP run; the stand-in made a Workflow the test now plays Argo for.
    const view = runView(page);
    await expect(view).toBeVisible(LIVE);
    await expect(view.locator('.kf-detail-meta')).toContainText('experiment galata-exp');
    // Titled with the run's name; its KFP id (the run's name in the proxy's API) is in Details.
    await expect(view.locator('.kf-detail-header h2')).toHaveText('galata-kfp-1');
    await view.getByRole('tab', { name: 'Details' }).click();
    const runId = (await view.locator('dt:text-is("KFP run id") + dd').textContent())!.trim();
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    await view.getByRole('tab', { name: 'Graph' }).click();
    await expect(stepNode(view, 'prepare')).toBeVisible();

    await control('/advance', {
      runId,
      phase: 'Running',
      steps: [{ task: 'prepare', phase: 'Running' }]
    });
    await control('/pod', {
      runId,
      task: 'prepare',
      phase: 'Running',
      logs: ['2026-11-30T08:00:01Z rows=5', '2026-11-30T08:00:02Z prepared 5 rows']
    });
    await expect(stepNode(view, 'prepare')).toHaveAttribute('data-phase', 'Running', LIVE);

    // train's pod cannot pull its image: the step says so, with its pod.
    await control('/advance', {
      runId,
      phase: 'Running',
      steps: [
        { task: 'prepare', phase: 'Succeeded' },
        { task: 'train', phase: 'Running', dependsOn: ['prepare'] }
      ]
    });
    await control('/pod', {
      runId,
      task: 'train',
      phase: 'Pending',
      image: UNPULLABLE,
      state: {
        waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${UNPULLABLE}"` }
      },
      events: [{ reason: 'Failed', message: `Failed to pull image "${UNPULLABLE}": not found` }]
    });
    await expect(stepNode(view, 'prepare')).toHaveAttribute('data-phase', 'Succeeded', LIVE);
    await view.locator('.react-flow__node[data-id="train"]').click();
    const why = view.getByRole('note', { name: 'Why is it stuck or failed' });
    await expect(why).toContainText('ImagePullBackOff', LIVE);
    await expect(view.locator('.kf-step-pod code')).toHaveText(/\S/);
    // The pod's events, in their own tab; then back to the logs.
    await view.getByRole('tab', { name: /^Events \(1\)/ }).click();
    await expect(view.locator('.kf-step-panel-body')).toContainText('Failed to pull image', LIVE);
    await view.getByRole('tab', { name: 'Logs', exact: true }).click();
    // Its container never started: the log says so rather than loading forever.
    await expect(view.getByLabel('Logs of step train')).toContainText(/not started/, LIVE);
    // The cluster's own words are folded behind Details.
    await expect(view.getByLabel('Logs of step train')).not.toContainText('waiting to start');
    await view.getByLabel('Details (1)').check();
    await expect(view.getByLabel('Logs of step train')).toContainText(
      'is waiting to start: trying and failing to pull image'
    );
    await view.getByLabel('Details (1)').uncheck();
    // The why-box shows the step's own output only: none here, so no tail of the workbench's notes.
    await expect(why.getByLabel('Last log lines')).toHaveCount(0);

    // The sidebar lists it with its experiment, a KFP marker, and the experiment filter keeps it.
    await page.sidebar.openTab(SIDEBAR);
    const row = page.locator(`.kf-live-row[aria-label="${runId}"]`);
    await expect(row).toBeVisible(LIVE);
    await expect(row.locator('.kf-run-where')).toHaveText('KFP');
    await expect(row.locator('.kf-live-row-name')).toHaveText('galata-kfp-1');
    const experiment = page.locator('.kf-run-list').getByLabel('Experiment');
    await experiment.selectOption('galata-exp');
    await expect(row).toBeVisible();
    await experiment.selectOption('');

    // The run view (a step stuck) beside the sidebar, light and dark.
    await page.screenshot({ path: `${SHOTS}/kfp-run-view-light.png` });
    await page.theme.setDarkTheme();
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    await page.screenshot({ path: `${SHOTS}/kfp-run-view-dark.png` });
    await page.theme.setLightTheme();

    // A step's logs: whatever the cluster and KFP keep, in the shared log viewer.
    await view.locator('.react-flow__node[data-id="prepare"]').click();
    const logs = view.getByLabel('Logs of step prepare');
    await expect(logs).toContainText('prepared 5 rows', LIVE);

    // Failed: Retry is offered; KFP retries the same run.
    await control('/advance', {
      runId,
      phase: 'Failed',
      message: 'train failed',
      steps: [
        { task: 'prepare', phase: 'Succeeded' },
        { task: 'train', phase: 'Failed', dependsOn: ['prepare'], message: 'ImagePullBackOff' }
      ]
    });
    await expect(view.locator('.kf-detail-header .kf-status-badge')).toHaveText('Failed', LIVE);
    const retry = view.getByRole('button', { name: 'Retry', exact: true });
    await expect(retry).toBeEnabled();
    await retry.click();
    await expect(view.locator('.kf-detail-header .kf-status-badge')).not.toHaveText('Failed', LIVE);

    // Cancel while it runs again.
    await view.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(view.locator('.kf-detail-header .kf-status-badge')).toHaveText(
      /Cancelling|Cancelled/,
      LIVE
    );

    // The run's page in the KFP UI opens in a new browser tab.
    const popup = page.waitForEvent('popup');
    await view.getByRole('link', { name: 'Open in KFP UI' }).click();
    expect((await popup).url()).toBe(`${shared().kfp.url}/#/runs/details/${runId}`);

    // Archive and back.
    await view.getByRole('button', { name: 'Archive', exact: true }).click();
    await expect(view.locator('.kf-detail-meta')).toContainText('archived', LIVE);
    await view.getByRole('button', { name: 'Unarchive', exact: true }).click();
    await expect(view.getByRole('button', { name: 'Archive', exact: true })).toBeVisible(LIVE);

    // Delete: asked first, then gone from KFP and from the list.
    await view.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(view.getByText('This run no longer exists')).toBeVisible(LIVE);
    await expect(row).toHaveCount(0, LIVE);
  });

  test('a %kf pipeline run --cluster cell: its live card follows the KFP run', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      JSON.stringify({ ...DOCUMENT, name: 'galata-notebook' }),
      'text',
      `${tmpPath}/nb.kfpipeline`
    );
    await page.notebook.createNew('kfp-cell.ipynb');
    await page.notebook.setCell(0, 'code', '%load_ext kubeflow_workbench');
    await page.notebook.addCell('code', '%kf kfp');
    await page.notebook.addCell(
      'code',
      '%kf pipeline run nb.kfpipeline --cluster --experiment notebooks --name nb-run-1 -p rows=2'
    );
    await page.notebook.run();
    await expect(
      page.locator('.jp-OutputArea-output', { hasText: 'Kubeflow Pipelines: connected' })
    ).toBeVisible({ timeout: 60000 });
    const card = page.getByRole('group', { name: /^Pipeline run / });
    await expect(card).toBeVisible({ timeout: 60000 });
    await expect(card.locator('strong')).toHaveText('nb-run-1');
    await expect(card).toContainText('experiment notebooks');
    const runId = (await card.getAttribute('aria-label'))!.replace('Pipeline run ', '');
    // Argo starts the first step: the card follows through the proxy's stream, not the kernel.
    await control('/advance', {
      runId,
      phase: 'Running',
      steps: [{ task: 'prepare', phase: 'Running' }]
    });
    await expect(card.getByLabel('Step prepare: Running')).toBeVisible(LIVE);
    await expect(card.locator('.kf-live-live')).toHaveText('live');
  });

  test('a kfp-compiled IR YAML opens as a graph and is submitted', async ({ page, tmpPath }) => {
    const file = `${tmpPath}/train_eval.yaml`;
    await page.contents.uploadContent(
      readFileSync(path.join(EXAMPLES, 'train_eval.yaml'), 'utf8'),
      'text',
      file
    );
    await page.evaluate(async p => {
      await window.jupyterapp.commands.execute('kubeflow:open-pipeline-graph', { path: p });
    }, file);
    const graph = page.locator('.kf-ir-graph:visible');
    await expect(graph.locator('.kf-step-node')).toHaveCount(4, LIVE);
    await expect(toolbarButton(page, 'Submit to Kubeflow')).toBeEnabled(LIVE);
    // From the palette this time: it submits what the current tab shows.
    await page.keyboard.press('Control+Shift+C');
    await page.locator('#modal-command-palette input').fill('Submit Pipeline to Kubeflow');
    // Clicked, not Enter: the dialog can open before Enter's key-up, which would then accept it with the defaults.
    await page
      .locator('#modal-command-palette .lm-CommandPalette-item', {
        hasText: 'Submit Pipeline to Kubeflow'
      })
      .click();
    await submitDialog(
      page,
      { experiment: 'from-ir', params: { rows: '7' } },
      'ir-submit-dialog.png'
    );
    const view = runView(page);
    await expect(view).toBeVisible(LIVE);
    await expect(view.locator('.kf-detail-meta')).toContainText('experiment from-ir');
    // The run's DAG is the IR's: four steps and their edges.
    await expect(view.locator('.kf-step-node')).toHaveCount(4, LIVE);
    await expect(view.locator('.react-flow__edge')).toHaveCount(4, LIVE);
    await view.getByRole('tab', { name: 'Details' }).click();
    await expect(view.getByRole('table', { name: 'Run parameters' })).toContainText('7');

    // Again from the graph's toolbar, picking the experiment just made from the known ones.
    await page.getByRole('tab', { name: 'train_eval.yaml' }).click();
    await toolbarButton(page, 'Submit to Kubeflow').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog
      .getByRole('group', { name: 'Known experiments' })
      .getByRole('button', { name: 'from-ir' })
      .click();
    await expect(dialog.getByLabel('Experiment', { exact: true })).toHaveValue('from-ir');
    await submitDialog(page, { name: 'ir-second', keyboard: true });
    await expect(runView(page).locator('.kf-detail-header h2')).toHaveText('ir-second', LIVE);
    await expect(runView(page).locator('.kf-detail-meta')).toContainText('experiment from-ir');
  });

  test('the kfpEndpoint setting takes effect at once', async ({ page }) => {
    await page.sidebar.openTab(SIDEBAR);
    const kfp = page.getByRole('group', { name: 'Kubeflow Pipelines connection' });
    await expect(kfp.locator('.kf-kfp-badge')).toHaveText('connected', LIVE);
    // Nothing listens on port 9 (discard): unreachable, said in words.
    await setSetting(page, 'Kubeflow Pipelines endpoint', 'http://127.0.0.1:9');
    await page.sidebar.openTab(SIDEBAR);
    await expect(kfp.locator('.kf-kfp-badge')).toHaveText('unreachable', LIVE);
    await expect(kfp.locator('.kf-kfp-message')).toContainText('127.0.0.1:9');
    await page.screenshot({ path: `${SHOTS}/kfp-badge-unreachable.png` });
    // "Look again" re-detects with the same setting: still unreachable.
    await kfp.getByRole('button', { name: 'Look again' }).click();
    await expect(kfp.locator('.kf-kfp-badge')).toHaveText('unreachable', LIVE);
    // Cleared: back to what the proxy finds itself (KF_PIPELINES_ENDPOINT: the stand-in).
    await setSetting(page, 'Kubeflow Pipelines endpoint', '');
    await expect(kfp.locator('.kf-kfp-badge')).toHaveText('connected', LIVE);
    // The palette's "Look for Kubeflow Pipelines again".
    await page.keyboard.press('Control+Shift+C');
    await page.locator('#modal-command-palette input').fill('Look for Kubeflow Pipelines again');
    await page.keyboard.press('Enter');
    await expect(kfp.locator('.kf-kfp-badge')).toHaveText('connected', LIVE);
  });
});
