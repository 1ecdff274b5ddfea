import { defineConfig } from 'vitest/config';

// End-to-end tests: the built app (dist/) in Debian's Chromium on WebGPU (SwiftShader).
// `npm run test:e2e` builds first, then runs this config. One file at a time, one worker: the
// browser and the software GPU need both cores of a small CI machine.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Lets the e2e files tell whether they run under this config (they skip under the unit config).
    env: { DP_E2E: '1' },
    reporters: ['verbose'],
  },
});
