import { defineConfig } from 'vitest/config';

// Three projects: unit tests need nothing running; integration tests (`*.int.test.ts`) talk to the
// real local stack and cluster that `make stack-up` starts, and read their settings from .run/env;
// web tests render the web app's components in a simulated browser (jsdom).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.int.test.ts', 'clients/web/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          // The web app's browser test (clients/web/test) is one of these: Chromium against real services.
          exclude: ['**/node_modules/**', '**/dist/**'],
          setupFiles: ['dev/src/load-env.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration suites share one cluster and one stack; files run one at a time so their
          // timing assertions and resource use stay predictable on two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'web',
          include: ['clients/web/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.int.test.ts'],
          environment: 'jsdom',
        },
      },
    ],
  },
});
