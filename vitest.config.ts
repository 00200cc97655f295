import { defineConfig } from 'vitest/config';

// The API integration suite runs twice, once per store backend; STEMMA_TEST_BACKEND tells
// test/harness.ts which. One throwaway PostgreSQL cluster (test/postgres-global-setup.ts) serves
// the whole run.
export default defineConfig({
  test: {
    // Integration tests start real servers on loopback; two workers fit the 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
    hookTimeout: 60_000,
    globalSetup: ['./test/postgres-global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/**/*.test.ts', 'bench/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration (sqlite)',
          include: ['test/**/*.test.ts'],
          // Several servers on one database, and `serve --db`: PostgreSQL only (*.postgres.test.ts).
          exclude: ['test/**/*.postgres.test.ts'],
          env: { STEMMA_TEST_BACKEND: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration (postgres)',
          include: ['test/**/*.test.ts'],
          // Features of the embedded store itself (its data directory's SIGKILL recovery and process
          // lock, its in-memory lineage index, the bulk graph generator): SQLite only (*.sqlite.test.ts).
          exclude: ['test/**/*.sqlite.test.ts'],
          env: { STEMMA_TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
