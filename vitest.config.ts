import { defineConfig } from 'vitest/config';

// Integration tests drive a real Kamailio and gdb, so files run one at a time with generous
// timeouts (the harness itself bounds every wait). Unit tests are pure, but some start the CLI
// (node, a few hundred ms): on a loaded 2-core machine that passed vitest's 5 s default, so they
// get 30 s, which still ends a hung one.
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.integration.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
