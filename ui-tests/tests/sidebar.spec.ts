/** The Kubeflow sidebar against a real jupyter lab and the real proxy (local backend), in Chromium. */
import { expect, test } from '@jupyterlab/galata';

const SIDEBAR = 'kubeflow-workbench:sidebar';
const API = '/kubeflow-workbench/api/v1';

test.describe('Kubeflow sidebar', () => {
  test.beforeAll(async ({ request }) => {
    // A job in a second namespace, so the local backend offers two namespaces to pick from.
    const res = await request.post(`${API}/namespaces/team-a/jobs`, {
      data: {
        name: 'hello-team-a',
        framework: 'pytorch',
        replicas: { Worker: { count: 1 } },
        command: ['python3', '-c', 'print("hi")']
      }
    });
    expect([200, 201]).toContain(res.status());
  });

  test('shows the local backend and switches namespaces', async ({ page }) => {
    await page.sidebar.openTab(SIDEBAR);
    const panel = page.locator(`[id="${SIDEBAR}"]`);
    await expect(panel.getByTitle('Backend: local (connected)')).toHaveText('local');
    const picker = panel.getByLabel('Namespace');
    await expect(picker).toHaveValue('default');
    await picker.selectOption('team-a');
    await expect(picker).toHaveValue('team-a');
    // team-a has one job and no studies or runs: each empty list's line is shown whole, not clipped by its
    // section (the sidebar gives an empty list the height its filters and that line need).
    await expect(panel.getByText('No studies in team-a')).toBeVisible();
    for (const text of ['No studies in team-a', 'No pipeline runs in team-a']) {
      const line = panel.getByText(text);
      const section = panel.locator('.kf-section', { hasText: text });
      const [box, frame] = [await line.boundingBox(), await section.boundingBox()];
      expect(box!.y).toBeGreaterThanOrEqual(frame!.y);
      expect(box!.y + box!.height).toBeLessThanOrEqual(frame!.y + frame!.height + 1);
    }
    await page.screenshot({ path: test.info().outputPath('sidebar-light.png') });
  });

  test("each list's filters narrow it, and Clear filters resets them", async ({ page }) => {
    await page.sidebar.openTab(SIDEBAR);
    const panel = page.locator(`[id="${SIDEBAR}"]`);
    await panel.getByLabel('Namespace').selectOption('team-a');
    const jobs = panel.locator('.kf-section', { hasText: 'New training job' });
    const row = jobs.getByText('hello-team-a');
    await expect(row).toBeVisible();
    const noMatch = jobs.getByText(/match the filters/);

    await jobs.getByLabel('Framework').selectOption('tensorflow');
    await expect(noMatch).toBeVisible();
    // The select keeps showing what the list is filtered by.
    await expect(jobs.getByLabel('Framework')).toHaveValue('tensorflow');
    await jobs.getByRole('button', { name: 'Clear filters' }).click();
    await expect(row).toBeVisible();
    await expect(jobs.getByLabel('Framework')).toHaveValue('');

    await jobs.getByLabel('Framework').selectOption('pytorch');
    await jobs.getByLabel('Status').selectOption('Succeeded');
    await expect(row).toBeVisible({ timeout: 60000 });
    await jobs.getByLabel('Status').selectOption('Failed');
    await expect(noMatch).toBeVisible();
    await jobs.getByLabel('Status').selectOption('');
    await jobs.getByLabel('Framework').selectOption('');

    await jobs.getByPlaceholder('Filter by name').fill('no-such-job');
    await expect(noMatch).toBeVisible();
    await jobs.getByPlaceholder('Filter by name').fill('hello');
    await expect(row).toBeVisible();
    await jobs.getByPlaceholder('Filter by name').fill('');

    // Studies and runs: team-a has none, so a filter changes nothing but its own value.
    for (const [button, empty] of [
      ['New study', 'No studies in team-a'],
      ['New pipeline', 'No pipeline runs in team-a']
    ]) {
      const section = panel.locator('.kf-section', { hasText: button });
      await section.getByLabel('Status').selectOption('Failed');
      await expect(section.getByLabel('Status')).toHaveValue('Failed');
      await expect(section.getByText(empty)).toBeVisible();
      await section.getByPlaceholder('Filter by name').fill('x');
      await section.getByPlaceholder('Filter by name').fill('');
      await section.getByLabel('Status').selectOption('');
    }
  });

  test('renders in the dark theme', async ({ page }) => {
    await page.theme.setDarkTheme();
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    await page.sidebar.openTab(SIDEBAR);
    const panel = page.locator(`[id="${SIDEBAR}"]`);
    await expect(panel.getByTitle('Backend: local (connected)')).toBeVisible();
    // The theme's CSS variables reach every panel only after the stylesheet swap settles.
    await expect(panel).toHaveCSS('background-color', /^rgb\((\d|[1-9]\d), /);
    await page.screenshot({ path: test.info().outputPath('sidebar-dark.png') });
    await page.theme.setLightTheme();
  });

  test('has command palette entries', async ({ page }) => {
    await page.keyboard.press('Control+Shift+C');
    await page
      .getByRole('textbox', { name: /search/i })
      .first()
      .fill('Kubeflow');
    await expect(
      page.locator('.lm-CommandPalette-item', { hasText: 'Open the Kubeflow sidebar' })
    ).toBeVisible();
  });
});
