import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // removes the temporary folders each test file made (test/helpers/temp.ts)
    setupFiles: ['test/helpers/cleanup.ts'],
    // Bounds, not measurements: generous, because these 2-core machines are shared and a test that
    // starts a daemon, a browser or several processes can take several times longer under load.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
