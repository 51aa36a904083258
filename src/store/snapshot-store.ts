// Nightly indicator snapshots (table indicator_snapshots, migration 2): numerator and denominator
// per indicator, level and code, never the rate (ratios are not additive; the rate is computed
// when read). ReplacingMergeTree(taken_at) on (indicator, year, level, code, snapshot_date): a
// re-run of the same night replaces its rows; reads use FINAL.
import type { ClickHouseClient } from '@clickhouse/client';
import { deleteRows, queryRows, type Store } from './clickhouse.js';
import { toDateTime64 } from './clickhouse-values.js';

export interface SnapshotRow {
  snapshot_date: string;
  indicator: string;
  year: number;
  /** county, street, community or institution */
  level: string;
  code: string;
  numerator: number;
  denominator: number;
}

/**
 * Stores one night's rows in one insert (a single block, so a crash leaves the night whole or
 * absent), then drops what an earlier run of that night left under keys this run no longer has.
 */
export async function writeSnapshot(store: Pick<Store, 'client' | 'cluster'>, snapshotDate: string, rows: readonly SnapshotRow[], takenAt: number): Promise<void> {
  const client = store.client;
  const existed = await snapshotExists(client, snapshotDate);
  if (rows.length > 0) {
    const taken_at = toDateTime64(takenAt);
    await client.insert({ table: 'indicator_snapshots', values: rows.map((r) => ({ ...r, taken_at })), format: 'JSONEachRow' });
  }
  if (existed) {
    await deleteRows(store, 'indicator_snapshots', "snapshot_date = {date:Date} AND taken_at < {taken_at:DateTime64(3, 'UTC')}", { date: snapshotDate, taken_at: toDateTime64(takenAt) });
  }
}

async function snapshotExists(client: ClickHouseClient, snapshotDate: string): Promise<boolean> {
  const rows = await queryRows<{ n: string }>(client, 'SELECT count() AS n FROM indicator_snapshots WHERE snapshot_date = {date:Date}', { date: snapshotDate });
  return Number(rows[0]?.n ?? 0) > 0;
}

/** The latest snapshot date stored, or null before the first. */
export async function lastSnapshotDate(client: ClickHouseClient): Promise<string | null> {
  const rows = await queryRows<{ last: string | null }>(client, 'SELECT maxOrNull(snapshot_date) AS last FROM indicator_snapshots');
  return rows[0]?.last ?? null;
}

/** The indicators stored for each snapshot date of [from, to]. */
export async function snapshotIndicatorsByDate(client: ClickHouseClient, from: string, to: string): Promise<Map<string, Set<string>>> {
  const rows = await queryRows<{ snapshot_date: string; indicators: string[] }>(
    client,
    `SELECT snapshot_date, groupUniqArray(indicator) AS indicators FROM indicator_snapshots
     WHERE snapshot_date BETWEEN {from:Date} AND {to:Date} GROUP BY snapshot_date`,
    { from, to },
  );
  return new Map(rows.map((r) => [r.snapshot_date, new Set(r.indicators)]));
}

export interface TrendQuery {
  indicator: string;
  year: number;
  /** the region's own level and code: its total */
  region: { level: string; code: string };
  by: string;
  /** the whole county: every row of `by`, including codes outside the reference data */
  wholeCounty: boolean;
  from: string;
  to: string;
}

export interface TrendCell {
  level: string;
  code: string;
  /** YYYY-MM */
  month: string;
  /** the last snapshot of the month, whose values these are */
  snapshot_date: string;
  numerator: number;
  denominator: number;
}

/** One query: the last snapshot of each month, per group of `by` and for the region itself. */
export async function readTrend(client: ClickHouseClient, q: TrendQuery): Promise<TrendCell[]> {
  const rows = await queryRows<{ level: string; code: string; month: string; last_date: string; numerator: string; denominator: string }>(
    client,
    `SELECT level, code,
       formatDateTime(toStartOfMonth(snapshot_date), '%Y-%m') AS month,
       max(snapshot_date) AS last_date,
       argMax(numerator, snapshot_date) AS numerator,
       argMax(denominator, snapshot_date) AS denominator
     FROM indicator_snapshots FINAL
     WHERE indicator = {indicator:String} AND year = {year:UInt16}
       AND snapshot_date BETWEEN {from:Date} AND {to:Date}
       AND ((level = {region_level:String} AND code = {region:String})
         OR (level = {by:String} AND ({whole_county:UInt8} = 1 OR startsWith(code, {region:String}))))
     GROUP BY level, code, month
     ORDER BY month, level, code`,
    {
      indicator: q.indicator,
      year: q.year,
      from: q.from,
      to: q.to,
      region_level: q.region.level,
      region: q.region.code,
      by: q.by,
      whole_county: q.wholeCounty ? 1 : 0,
    },
  );
  return rows.map((r) => ({
    level: r.level,
    code: r.code,
    month: r.month,
    snapshot_date: r.last_date,
    numerator: Number(r.numerator),
    denominator: Number(r.denominator),
  }));
}
