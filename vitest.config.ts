import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each test file runs in its own process: chDB binds one data directory per process.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
