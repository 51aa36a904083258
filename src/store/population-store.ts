// Population denominators per year: rows {division_code, group, count} at community or street level.
import type { ClickHouseClient } from '@clickhouse/client';
import { deleteRows, queryRows, type Store } from './clickhouse.js';
import { toDateTime64 } from './clickhouse-values.js';

export interface PopulationRow {
  division_code: string;
  group: string;
  count: number;
}

/**
 * Replaces the figures of a year with these rows (PUT semantics). The new rows go in first and
 * only then are the older ones deleted, so a reader never sees the year without figures and a
 * failed insert leaves the old figures in place.
 */
export async function replacePopulation(store: Pick<Store, 'client' | 'cluster'>, year: number, rows: readonly PopulationRow[]): Promise<void> {
  const client = store.client;
  const updatedAt = toDateTime64(Date.now());
  if (rows.length > 0) {
    await client.insert({
      table: 'population',
      values: rows.map((r) => ({ year, division_code: r.division_code, group: r.group, count: r.count, updated_at: updatedAt })),
      format: 'JSONEachRow',
    });
  }
  await deleteRows(store, 'population', "year = {year:UInt16} AND updated_at < {updated_at:DateTime64(3, 'UTC')}", { year, updated_at: updatedAt });
}

export async function readPopulation(client: ClickHouseClient, year: number): Promise<PopulationRow[]> {
  const rows = await queryRows<{ division_code: string; group: string; count: string }>(
    client,
    'SELECT division_code, group, count FROM population FINAL WHERE year = {year:UInt16} ORDER BY division_code, group',
    { year },
  );
  return rows.map((r) => ({ division_code: r.division_code, group: r.group, count: Number(r.count) }));
}

export async function populationYears(client: ClickHouseClient): Promise<number[]> {
  const rows = await queryRows<{ year: number }>(client, 'SELECT DISTINCT year FROM population FINAL ORDER BY year');
  return rows.map((r) => Number(r.year));
}
