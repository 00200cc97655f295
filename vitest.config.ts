import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real servers on loopback; two workers fit the 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
    hookTimeout: 60_000,
  },
});
