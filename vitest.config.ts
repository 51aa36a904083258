import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The default summary, then one plain closing line CI can read (test/closing-line-reporter.ts).
    reporters: ['default', './test/closing-line-reporter.ts'],
    // Each test file runs in its own process: chDB binds one data directory per process.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Reads never run ahead of the maintained state: a test that stores then reads sees its rows
    // (production allows 5 s, HAP_STATE_MAX_LAG_MS). Child processes (hap serve) inherit it.
    // Access control is tested in test/api/access*.test.ts; elsewhere it is off (loopback only).
    env: { HAP_STATE_MAX_LAG_MS: '0', HAP_AUTH: 'off', HAP_RATE_LIMIT_PER_MINUTE: '1000000' },
  },
});
