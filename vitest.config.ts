import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one chDB engine per worker process; keep them few and long-lived.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
