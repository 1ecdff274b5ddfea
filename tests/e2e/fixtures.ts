// Vitest hooks shared by the e2e files (kept out of harness.ts, which the benchmark scripts import
// outside Vitest).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach } from 'vitest';
import { REPO_ROOT, type AppPage } from './harness';

/** When a test fails: the page's browser log on stderr and a full-page screenshot in test-results/. */
export function reportOnFailure(get: () => AppPage | undefined, prefix: string): void {
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      const app = get();
      if (!app) return;
      console.error(app.log.format(`browser log at failure of "${task.name}"`));
      try {
        const dir = join(REPO_ROOT, 'test-results');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${prefix}-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
        await app.page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
        console.error(`screenshot: ${file}`);
      } catch {
        /* the page may be gone */
      }
    });
  });
}
