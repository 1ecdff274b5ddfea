// Screenshots of a lesson card after its preset has run to its first validation, in English and in
// 简体中文 (the browser's language chooses: en-US, then zh-CN), into screenshots/. A script, not a
// test: `npm run screenshots:lessons` (builds first), then look at the pictures. The run is forced
// onto tfjs's cpu backend (?backend=cpu): SwiftShader would take minutes to reach a validation.
//
//   LESSON=2          which lesson (1-based), default 2 (α)
//   LESSON_WAIT_S=300 how long to wait for the first validation

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openPage, REPO_ROOT, startPreview } from './harness';

const OUT = join(REPO_ROOT, 'screenshots');
const LESSON = Number(process.env.LESSON ?? 2);
const WAIT_MS = Number(process.env.LESSON_WAIT_S ?? 300) * 1000;
const LANGS = [
  { lang: 'en', locale: 'en-US', pause: 'Pause', waiting: /Waiting for the first validation/ },
  { lang: 'zh', locale: 'zh-CN', pause: '暂停', waiting: /等待第一次验证/ },
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startPreview();
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    browser = await launchBrowser();
    for (const l of LANGS) {
      const app = await openPage(browser, server.url, '/?backend=cpu', { width: 1400, height: 900 }, l.locale);
      const { page } = app;
      const lessons = page.getByTestId('lessons');
      await lessons
        .locator('.lesson-tab')
        .nth(LESSON - 1)
        .click();
      await lessons.locator('.lesson-choice input').first().check();
      await lessons.locator('.lesson-runs button').first().click();
      const started = Date.now();
      const lines = lessons.getByTestId('lesson-lines');
      let text = '';
      while (Date.now() - started < WAIT_MS) {
        await sleep(2000);
        text = (await lines.count()) ? await lines.innerText() : '';
        if (/%/.test(text) && !l.waiting.test(text)) break;
      }
      console.log(`[${l.lang}] lesson ${LESSON} after ${((Date.now() - started) / 1000).toFixed(0)} s:\n${text}\n`);
      await page
        .getByRole('button', { name: l.pause, exact: true })
        .click()
        .catch(() => {});
      await sleep(1500);
      const card = join(OUT, `lesson-${LESSON}-${l.lang}.png`);
      await lessons.screenshot({ path: card });
      await page.screenshot({ path: join(OUT, `lesson-${LESSON}-${l.lang}-page.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await sleep(800);
      await lessons.screenshot({ path: join(OUT, `lesson-${LESSON}-${l.lang}-narrow.png`) });
      await page.getByTestId('kl-calculator').screenshot({ path: join(OUT, `kl-${l.lang}-narrow.png`) });
      await page.setViewportSize({ width: 1400, height: 900 });
      await sleep(500);
      await page.getByTestId('kl-calculator').screenshot({ path: join(OUT, `kl-${l.lang}.png`) });
      console.log(`wrote ${card} (and -page, -narrow, kl-${l.lang})`);
      const errors = app.log.errors();
      if (errors.length) console.warn(app.log.format(`browser errors (${l.lang})`));
      await app.close();
    }
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
