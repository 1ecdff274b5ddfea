// Screenshots of the main screen after a short run, at desktop (1400x900) and phone (390x844)
// widths, into screenshots/. A script, not a test: `npm run screenshots` (builds first), then look
// at the pictures. Uses the same server and browser setup as the e2e tests (WebGPU on SwiftShader).
//
//   SCREENSHOT_QUERY='task=grammar&teacher=tiny&student=tiny&teacher-steps=30'  other settings
//   SCREENSHOT_STEPS=60                                                         how far to run first

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstInt, launchBrowser, openPage, REPO_ROOT, startPreview } from './harness';

const QUERY =
  process.env.SCREENSHOT_QUERY ??
  'task=sentiment&seed=1&teacher=tiny&student=tiny&teacher-steps=20&steps=3000&eval-every=10&batch-size=16&labelled=64&transfer=128';
const RUN_STEPS = Number(process.env.SCREENSHOT_STEPS ?? 45);
const OUT = join(REPO_ROOT, 'screenshots');
const VIEWPORTS = [
  { name: 'desktop-1400x900', width: 1400, height: 900 },
  { name: 'narrow-390x844', width: 390, height: 844 },
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startPreview();
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    browser = await launchBrowser();
    const app = await openPage(browser, server.url, '/?' + QUERY, VIEWPORTS[0]);
    const { page } = app;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const started = Date.now();
    let step = 0;
    while (step < RUN_STEPS && Date.now() - started < 240_000) {
      await sleep(1000);
      step = firstInt(await page.getByTestId('step').textContent());
    }
    console.log(`ran to step ${step} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // Freeze the picture: pause so both widths show the same run.
    await page
      .getByRole('button', { name: 'Pause', exact: true })
      .click()
      .catch(() => {});
    await sleep(1500);
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await sleep(800); // charts re-measure on resize
      const shot = join(OUT, `main-${vp.name}.png`);
      const full = join(OUT, `main-${vp.name}-full.png`);
      await page.screenshot({ path: shot });
      await page.screenshot({ path: full, fullPage: true });
      console.log(`wrote ${shot}\nwrote ${full}`);
    }
    const errors = app.log.errors();
    if (errors.length) console.warn(app.log.format('browser errors during the screenshots'));
    await app.close();
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
