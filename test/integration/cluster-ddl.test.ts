// The cluster form of the migrations parses in the real engine (the embedded engine has no
// cluster to run it on, so the statements are checked with EXPLAIN AST, not executed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { clusterStatements, MIGRATIONS } from '../../src/store/migrations.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await openTestRuntime('it_cluster_ddl');
});
afterAll(async () => {
  await runtime?.close();
});

describe('cluster DDL', () => {
  it('is valid ClickHouse SQL', async () => {
    const statements = MIGRATIONS.flatMap((m) => m.statements.flatMap((s) => clusterStatements(s, 'hap')));
    expect(statements.length).toBeGreaterThanOrEqual(8);
    for (const statement of statements) {
      const res = await runtime.store.client.query({ query: `EXPLAIN AST ${statement}`, format: 'TabSeparatedRaw' });
      expect(await res.text()).toMatch(/CreateQuery|AlterQuery/);
    }
  });
});
