// The runs table (issue 10) in the built app, on the wasm backend with tiny models and a few steps:
// a finished run appears in Runs, is still there after a reload (IndexedDB), compares and deletes.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openPage,
  startPreview,
  type AppPage,
  type PreviewServer,
  seriousAxeViolations,
} from './harness';
import { reportOnFailure } from './fixtures';

const RUN = process.env.DP_E2E === '1';

// A 5-step tiny teacher, then 10 distillation steps: the run is done in seconds on wasm.
const TINY = new URLSearchParams({
  backend: 'wasm',
  task: 'sentiment',
  seed: '1',
  teacher: 'tiny',
  student: 'tiny',
  'teacher-steps': '5',
  steps: '10',
  'eval-every': '5',
  'batch-size': '8',
  labelled: '32',
  transfer: '32',
}).toString();

const rows = (page: Page) => page.getByTestId('runs-row');

async function finishRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect
    .poll(async () => (await page.getByTestId('phase').textContent()) ?? '', { timeout: 180_000, interval: 500 })
    .toBe('done');
}

describe.skipIf(!RUN)('the runs table, in the built app', () => {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let app: AppPage | undefined;
  const page = () => app!.page;

  beforeAll(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    app = await openPage(browser, server.url, `/?${TINY}`);
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  reportOnFailure(() => app, 'runs');

  it('keeps a finished run: it appears in Runs with its test metrics', async () => {
    await expect
      .poll(async () => (await page().getByTestId('runs').textContent()) ?? '', { timeout: 30_000 })
      .toContain('No runs kept yet');
    await finishRun(page());
    await expect.poll(() => rows(page()).count(), { timeout: 20_000 }).toBe(1);
    const row = rows(page()).first();
    expect(await row.textContent()).toContain('sentiment · tiny → tiny');
    expect(await row.textContent()).toContain('finished');
    // The key metrics are the run's test split (tagged "test"), as the metrics panel shows them.
    expect(await row.textContent()).toMatch(/\d+\.\d%\s*test/);
    expect(await page().getByTestId('runs-notice').textContent()).toContain('Run kept');
  });

  it('is still there after a reload, and a second run compares against it', async () => {
    await page().reload({ waitUntil: 'load' });
    await expect.poll(() => rows(page()).count(), { timeout: 30_000 }).toBe(1);
    await finishRun(page());
    await expect.poll(() => rows(page()).count(), { timeout: 20_000 }).toBe(2);
    await page().getByRole('checkbox', { name: 'Select all runs' }).check();
    await page().getByRole('button', { name: 'Compare' }).click();
    const charts = page().getByTestId('compare-chart');
    await expect.poll(() => charts.count()).toBe(2);
    expect(await charts.first().getAttribute('aria-label')).toMatch(/for 2 runs/);
    const heads = await page().getByTestId('compare-metrics').locator('thead th').allTextContents();
    expect(heads).toEqual([
      'Metric',
      expect.stringMatching(/^1\. sentiment/),
      expect.stringMatching(/^2\. sentiment/),
      'Δ vs first',
    ]);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page().emulateMedia({ colorScheme });
      expect(await seriousAxeViolations(page(), '#runs'), colorScheme).toEqual([]);
    }
    await page().emulateMedia({ colorScheme: 'light' });
  });

  it('deletes runs after confirming, and they stay deleted after a reload', async () => {
    await page().getByRole('button', { name: 'Delete', exact: true }).click();
    await page().getByRole('button', { name: 'Delete them' }).click();
    await expect.poll(() => rows(page()).count(), { timeout: 20_000 }).toBe(0);
    await page().reload({ waitUntil: 'load' });
    await expect
      .poll(async () => (await page().getByTestId('runs').textContent()) ?? '', { timeout: 30_000 })
      .toContain('No runs kept yet');
    expect(app!.log.pageErrors).toEqual([]);
  });
});
