/**
 * What a new user does in the first hour, against the real jupyter lab and the real proxy (local backend):
 * every action of the job view and the sidebar clicked, every setting changed in the Settings Editor with its
 * effect checked, and the dark theme checked by reading computed colours.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

const SIDEBAR = 'kubeflow-workbench:sidebar';
const API = '/kubeflow-workbench/api/v1';

async function createJob(
  request: import('@playwright/test').APIRequestContext,
  name: string,
  code: string,
  namespace = 'default'
): Promise<void> {
  const res = await request.post(`${API}/namespaces/${namespace}/jobs`, {
    data: {
      name,
      framework: 'pytorch',
      replicas: { Worker: { count: 1 } },
      command: ['python3', '-c', code]
    }
  });
  expect([200, 201]).toContain(res.status());
}

async function openJob(
  page: IJupyterLabPageFixture,
  name: string,
  namespace = 'default'
): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR);
  const picker = page.getByLabel('Namespace');
  if ((await picker.inputValue()) !== namespace) {
    await picker.selectOption(namespace);
  }
  const row = page.locator(`.kf-live-row[aria-label="${name}"]`);
  await row.click(); // one click opens
  const view = page
    .locator('.jp-MainAreaWidget', { has: page.locator('h2', { hasText: name }) })
    .last();
  await expect(view).toBeVisible();
  return view;
}

/**
 * Sets one of the workbench's settings through the Settings Editor's form, as a user would, and waits until
 * the editor saved it (the plugins apply it from the registry's change).
 */
async function setSetting(
  page: IJupyterLabPageFixture,
  title: string,
  value: string | boolean
): Promise<void> {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('settingeditor:open', { query: 'Kubeflow Workbench' });
  });
  const editor = page.locator('.jp-SettingsPanel, .jp-SettingsEditor').first();
  await expect(editor).toBeVisible();
  // The query leaves our plugin as the only entry, and the editor opens its form.
  const group = editor.getByRole('group', { name: 'Kubeflow Workbench' });
  await expect(group).toBeVisible();
  const saved = page.waitForResponse(
    r => r.url().includes('/lab/api/settings/kubeflow-workbench') && r.request().method() === 'PUT'
  );
  if (typeof value === 'boolean') {
    await group.getByRole('checkbox', { name: title }).setChecked(value);
  } else {
    // The form puts a heading above each non-boolean field, without a label.
    const field = group
      .getByRole('heading', { name: title, exact: true })
      .locator('xpath=following::*[self::input or self::select or self::textarea][1]');
    if ((await field.evaluate(node => node.tagName)) === 'SELECT') {
      await field.selectOption(value);
    } else {
      await field.fill(value);
      await field.press('Tab');
    }
  }
  await saved;
}

async function closeSettingsEditor(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(async () => {
    const app = window.jupyterapp;
    for (const widget of Array.from(app.shell.widgets('main'))) {
      if (widget.id.includes('setting')) {
        widget.close();
      }
    }
  });
}

/** Relative luminance of a CSS rgb()/rgba() colour (0 black … 1 white). */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Contrast ratio of an element's text against its effective background (walking up through transparency). */
async function contrastOf(locator: Locator): Promise<{ ratio: number; background: string }> {
  const { color, background } = await locator.evaluate(node => {
    let element: Element | null = node;
    let bg = 'rgba(0, 0, 0, 0)';
    while (element) {
      const c = getComputedStyle(element).backgroundColor;
      if (c && !/rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent') {
        bg = c;
        break;
      }
      element = element.parentElement;
    }
    return { color: getComputedStyle(node).color, background: bg };
  });
  const [a, b] = [luminance(color), luminance(background)].sort((x, y) => y - x);
  return { ratio: (a + 0.05) / (b + 0.05), background };
}

test.describe('the first hour', () => {
  test.beforeAll(async ({ request }) => {
    await createJob(request, 'fh-ok', 'print("hello from fh-ok")');
    await createJob(
      request,
      'fh-fails',
      'print("about to fail")\nraise ValueError("learning rate too high")'
    );
  });

  test('the launcher tile and the palette open the form; the namespace picker is visible', async ({
    page
  }) => {
    await page.sidebar.openTab(SIDEBAR);
    const cluster = page.locator('#kubeflow-workbench\\:cluster');
    const picker = page.getByLabel('Namespace');
    await expect(picker).toBeVisible();
    // Fully inside the Cluster section: not under the next section's header.
    const [section, box] = [await cluster.boundingBox(), await picker.boundingBox()];
    expect(box!.y + box!.height).toBeLessThanOrEqual(section!.y + section!.height + 1);
    // The Kubeflow tiles each have their icon (the first one's is also the section's).
    const tiles = page.locator('.jp-LauncherCard[data-category="Kubeflow"]');
    await expect(tiles).toHaveCount(3);
    for (const tile of await tiles.all()) {
      await expect(tile.locator('.jp-LauncherCard-icon svg')).toBeVisible();
    }
    await page.locator('.jp-LauncherCard', { hasText: 'Training Job' }).click();
    await expect(page.getByRole('form', { name: 'New training job' })).toBeVisible();
  });

  test('a failed job says why in its view, with the exception, and every action works', async ({
    page
  }) => {
    const view = await openJob(page, 'fh-fails');
    await expect(view.locator('.kf-status-badge').first()).toHaveText(/Failed/, { timeout: 60000 });
    const why = view.getByRole('region', { name: 'Why is it stuck' });
    await expect(why).toContainText('ExitCode 1');
    await expect(view.getByLabel('Last log lines of worker-0')).toContainText(
      'ValueError: learning rate too high'
    );

    // Logs: follow, search, download.
    await view.getByRole('tab', { name: 'Logs' }).click();
    await expect(view.getByLabel('Job logs')).toContainText('about to fail');
    await view.getByLabel('Follow').check();
    await expect(view.getByLabel('Job logs')).toContainText('about to fail');
    await view.getByLabel('Search logs').fill('fail');
    await expect(view.locator('.kf-log-count')).toHaveText(/[1-9]\d* matches/);
    const download = page.waitForEvent('download');
    await view.getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('fh-fails.log');

    // YAML: the exact object (a PyTorchJob, marked as run here), then the workbench spec.
    await view.getByRole('tab', { name: 'YAML' }).click();
    await expect(view.getByLabel(/^YAML of fh-fails/)).toContainText('kind: PyTorchJob');
    await view.getByLabel(/Show the workbench spec instead/).check();
    await expect(view.getByLabel(/^YAML of fh-fails/)).toContainText('framework: pytorch');

    // Clone opens the form prefilled; Re-run starts a copy.
    await view.getByRole('button', { name: 'Clone' }).click();
    const form = page.getByRole('form', { name: /training job/i }).last();
    await expect(form.getByLabel('Worker replicas')).toHaveValue('1');
    await page.locator('.jp-MainAreaWidget', { hasText: 'fh-fails' }).first().isVisible();
    const again = await openJob(page, 'fh-fails');
    await again.getByRole('button', { name: 'Re-run' }).click();
    await expect(page.locator('.kf-live-row[aria-label^="fh-fails-"]').first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('job-view-failed-light.png') });
  });

  test('delete asks first (cancel keeps the job, Delete removes it); the setting turns the question off', async ({
    page,
    request
  }) => {
    await createJob(request, 'fh-delete-me', 'import time; time.sleep(60)');
    await createJob(request, 'fh-delete-quick', 'import time; time.sleep(60)');
    let view = await openJob(page, 'fh-delete-me');
    await view.getByRole('button', { name: 'Delete' }).click();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('.kf-live-row[aria-label="fh-delete-me"]')).toBeVisible();
    await view.getByRole('button', { name: 'Delete' }).click();
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.locator('.kf-live-row[aria-label="fh-delete-me"]')).toHaveCount(0);
    await expect(view.getByText(/no longer exists/)).toBeVisible();

    await setSetting(page, 'Confirm before deleting', false);
    await closeSettingsEditor(page);
    view = await openJob(page, 'fh-delete-quick');
    await view.getByRole('button', { name: 'Delete' }).click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(page.locator('.kf-live-row[aria-label="fh-delete-quick"]')).toHaveCount(0);
    await setSetting(page, 'Confirm before deleting', true);
    await closeSettingsEditor(page);
  });

  test('settings take effect: log lines, default namespace, backend; retry connection', async ({
    page,
    request
  }) => {
    await createJob(request, 'fh-in-team-b', 'print("b")', 'team-b');
    const view = await openJob(page, 'fh-ok');
    await view.getByRole('tab', { name: 'Logs' }).click();
    await setSetting(page, 'Log lines to show', '100');
    await expect(view.getByLabel(/^Last/)).toHaveValue('100');

    await setSetting(page, 'Default namespace', 'team-b');
    await setSetting(page, 'Backend', 'local');
    await closeSettingsEditor(page);
    await page.sidebar.openTab(SIDEBAR);
    await expect(page.getByLabel('Namespace')).toHaveValue('team-b');
    await expect(page.locator('.kf-live-row[aria-label="fh-in-team-b"]')).toBeVisible();
    const info = await (await request.get(`${API}/info`)).json();
    expect(info.backend.selected).toBe('local');

    await page.getByLabel('Namespace').selectOption('default');
    await expect(page.locator('.kf-live-row[aria-label="fh-ok"]')).toBeVisible();
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('kubeflow:retry-connection');
    });
    await expect(page.getByTitle('Backend: local (connected)')).toBeVisible();
    await setSetting(page, 'Show system namespaces', true);
    await setSetting(page, 'Default namespace', '');
    await setSetting(page, 'Show system namespaces', false);
    await closeSettingsEditor(page);
  });

  test('the cluster section: Retry when the proxy is unreachable, Retry connection when the cluster is', async ({
    page
  }) => {
    // In this page only, the proxy's info first fails, then says the cluster does not answer, then is itself
    // again. Each step is taken by a click: only the retry buttons POST a retry (the background reconnect
    // only reads the info), and the real proxy answers that POST.
    let state: 'down' | 'unreachable' | 'up' = 'down';
    let retries = 0;
    await page.route(
      url => url.pathname.endsWith(`${API}/connection/retry`),
      async route => {
        retries++;
        state = retries === 1 ? 'down' : retries === 2 ? 'unreachable' : 'up';
        await route.continue();
      }
    );
    await page.route(
      url => url.pathname.endsWith(`${API}/info`),
      async route => {
        if (state === 'down') {
          await route.abort('connectionrefused');
        } else if (state === 'unreachable') {
          const response = await route.fetch();
          const info = await response.json();
          // What the proxy says when the Backend setting asks for a cluster that does not answer.
          info.backend = {
            ...info.backend,
            kind: 'kubernetes',
            selected: 'kubernetes',
            state: 'unreachable',
            message: 'The cluster does not answer.'
          };
          await route.fulfill({ response, json: info });
        } else {
          await route.continue();
        }
      }
    );
    await page.sidebar.openTab(SIDEBAR);
    const cluster = page.locator('#kubeflow-workbench\\:cluster');
    await expect(cluster.getByTitle('Backend: local (connected)')).toBeVisible();
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('kubeflow:retry-connection');
    });
    await expect(cluster.getByRole('alert')).toContainText('Could not reach the Jupyter server');
    await expect(cluster.getByLabel('Namespace')).toHaveCount(0);

    await cluster.getByRole('button', { name: 'Retry', exact: true }).click();
    await expect(cluster.getByRole('status')).toHaveText('The cluster does not answer.');
    await expect(cluster.getByTitle('Backend: kubernetes (unreachable)')).toBeVisible();

    await cluster.getByRole('button', { name: 'Retry connection' }).click();
    await expect(cluster.getByTitle('Backend: local (connected)')).toBeVisible();
    await expect(cluster.getByRole('button', { name: 'Retry connection' })).toHaveCount(0);
    await expect(cluster.getByLabel('Namespace')).toBeVisible();
  });

  test('every Kubeflow palette entry works', async ({ page }) => {
    const run = async (label: string) => {
      await page.keyboard.press('Control+Shift+C');
      const search = page.getByRole('textbox', { name: /search/i }).first();
      await search.fill(label);
      await page.locator('.lm-CommandPalette-item', { hasText: label }).first().click();
    };
    await run('Open the Kubeflow sidebar');
    await expect(page.getByLabel('Namespace')).toBeVisible();
    await run('Refresh Kubeflow cluster information');
    await expect(page.getByTitle('Backend: local (connected)')).toBeVisible();
    await run('Retry the Kubeflow connection');
    await expect(page.getByTitle('Backend: local (connected)')).toBeVisible();
    await run('New Training Job');
    await expect(page.getByRole('form', { name: 'New training job' })).toBeVisible();
  });

  test('the grace period setting goes into new jobs from the form', async ({ page, request }) => {
    await setSetting(page, 'Grace period when a job stops (seconds)', '7');
    await closeSettingsEditor(page);
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('kubeflow:new-training-job');
    });
    const form = page.getByRole('form', { name: 'New training job' }).last();
    await form.getByLabel('Name', { exact: true }).fill('fh-grace');
    await form.getByRole('button', { name: 'Write a script' }).click();
    // The script goes through JupyterLab's own code editor (CodeMirror), several lines as they are.
    await form.locator('.kf-code-editor .cm-content').click();
    await page.keyboard.type('import os\nfor i in range(2):\nprint("line", i)');
    await expect(form.getByLabel('What each replica runs')).toContainText('python train.py');
    await form.getByRole('button', { name: 'Create job' }).click();
    const view = page
      .locator('.jp-MainAreaWidget', { has: page.locator('h2', { hasText: 'fh-grace' }) })
      .last();
    await expect(view.locator('.kf-status-badge').first()).toHaveText(/Succeeded/, {
      timeout: 60000
    });
    const job = await (await request.get(`${API}/namespaces/default/jobs/fh-grace`)).json();
    expect(job.spec.terminationGracePeriodSeconds).toBe(7);
    expect(job.spec.source.content).toContain('for i in range(2):\n');
    await view.getByRole('tab', { name: 'Logs' }).click();
    await expect(view.getByLabel('Job logs')).toContainText('line 1');
    await setSetting(page, 'Grace period when a job stops (seconds)', '30');
    await closeSettingsEditor(page);
  });

  test('the dark theme is readable: failure box, troubled rows, selected row, log details', async ({
    page
  }) => {
    await page.theme.setDarkTheme();
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    // The theme's CSS reaches every part only once the stylesheet swap settles.
    await expect(page.locator('.jp-MenuBar, #jp-menu-panel').first()).toHaveCSS(
      'background-color',
      /^rgb\((\d|[1-5]\d), /
    );
    const view = await openJob(page, 'fh-fails');
    const why = view.getByRole('region', { name: 'Why is it stuck' });
    await expect(why).toBeVisible();
    for (const part of [
      why.locator('h3'),
      why.locator('li').first(),
      view.locator('tr.kf-mod-troubled td').first()
    ]) {
      const { ratio, background } = await contrastOf(part);
      expect(luminance(background)).toBeLessThan(0.2);
      expect(ratio).toBeGreaterThan(4.5);
    }
    await page.sidebar.openTab(SIDEBAR);
    const selected = page.locator('.kf-live-row.kf-mod-selected').first();
    await expect(selected).toBeVisible();
    expect((await contrastOf(selected.locator('.kf-live-row-name'))).ratio).toBeGreaterThan(4.5);
    await page.screenshot({ path: test.info().outputPath('job-view-failed-dark.png') });
    await page.theme.setLightTheme();
  });
});
