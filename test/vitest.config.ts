import { fileURLToPath } from 'node:url';
import { workflow } from '@workflow/vitest';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Three projects, all run by `npm test`:
 * - unit: pure functions and single modules, against local stand-ins where they do I/O;
 * - workflow: the real workflow, compiled by the SDK's vitest plugin, run in-process;
 * - e2e: the built app as a real process, driven with signed Slack requests, on both engines;
 * - reliability: real processes killed, replicas sharing a database, outages, load.
 */
export default defineConfig({
  test: {
    root,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        plugins: [workflow()],
        test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/build-app.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          // One scenario at a time: each runs several processes against PostgreSQL.
          fileParallelism: false,
          globalSetup: ['test/support/build-app.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Not part of `npm test`: `npm run bench` measures and rewrites docs/benchmarks.md
        // (its smoke run, at tiny sizes, is in e2e).
        extends: true,
        test: {
          name: 'bench',
          include: ['test/bench/**/*.run.ts'],
          globalSetup: ['test/support/build-app.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
