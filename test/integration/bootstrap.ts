// One shared bootstrap for integration tests: the real ClickHouse engine (chDB) in a data
// directory of this test process, one database per test file so files never see each other.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config/config.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';

// chDB binds one data directory per process: every runtime of this process shares it.
const processDataDir = mkdtempSync(join(tmpdir(), `hap-test-${process.pid}-`));

export function testConfig(database: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    HAP_DATA_DIR: processDataDir,
    HAP_CLICKHOUSE_DATABASE: database,
    HAP_PSEUDONYM_KEY: 'integration-test-key-0123456789abcdef',
    HAP_CLICKHOUSE_MAX_MEMORY: String(2 * 1024 ** 3),
    // Off (loopback) unless a test turns it on: access control has its own tests.
    HAP_AUTH: 'off',
    // Tests fire hundreds of requests a minute from one address; test/api/rate-limit.test.ts sets its own.
    HAP_RATE_LIMIT_PER_MINUTE: '1000000',
    ...(process.env.HAP_CLICKHOUSE_URL ? { HAP_CLICKHOUSE_URL: process.env.HAP_CLICKHOUSE_URL } : {}),
    ...extra,
  });
}

export async function openTestRuntime(database: string, extra: Record<string, string> = {}): Promise<Runtime> {
  const runtime = await openRuntime(testConfig(database, extra));
  // A fresh database per run: drop what an earlier run of the same file left.
  for (const table of ['events', 'rejections', 'population', 'event_conflicts']) await runtime.store.client.command({ query: `TRUNCATE TABLE IF EXISTS ${table}` });
  return runtime;
}
