import { describe, expect, it } from 'vitest';
import { clusterStatements, MIGRATIONS } from '../../src/store/migrations.js';

describe('cluster migrations (HAP_CLICKHOUSE_CLUSTER)', () => {
  const all = MIGRATIONS.flatMap((m) => m.statements.flatMap((s) => clusterStatements(s, 'hap')));

  it('turns every table into a replicated local table and a Distributed table of the same name', async () => {
    const created = MIGRATIONS.flatMap((m) => m.statements).map((s) => /CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1]).filter(Boolean);
    for (const name of created) {
      expect(all.some((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${name}_local ON CLUSTER hap (`) && s.includes(`('/clickhouse/tables/{shard}/{database}/${name}', '{replica}'`))).toBe(true);
      expect(all.some((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER hap AS ${name}_local ENGINE = Distributed('hap', currentDatabase(), '${name}_local', `))).toBe(true);
    }
    await expect(`${all.join(';\n\n')};\n`).toMatchFileSnapshot('./__snapshots__/cluster-migrations.sql');
  });

  it('keeps the version column of ReplacingMergeTree and shards events by person', () => {
    const events = all.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS events_local'))!;
    expect(events).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events', '{replica}', keep_rank)");
    expect(all.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS events ON CLUSTER'))).toMatch(/cityHash64\(person_key\)\)$/);
  });

  it('leaves single-server statements as they are', () => {
    expect(clusterStatements('SELECT 1', 'hap')).toEqual(['SELECT 1']);
  });
});
