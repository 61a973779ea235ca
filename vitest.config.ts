import { defineConfig } from 'vitest/config';

// Integration tests drive a real Kamailio and gdb, so files run one at a time with generous
// timeouts (the harness itself bounds every wait). Unit tests are pure and fast either way.
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.integration.test.ts'],
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
