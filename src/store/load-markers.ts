// Whether a bulk load finished: a row when it starts, a row after its last table. A load that
// was interrupted leaves `started` as the latest state, so the next start can tell a
// half-filled store from a whole one (or from one filled by other means, which has no row).
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse.js';
import { toDateTime64 } from './clickhouse-values.js';

export type LoadState = 'started' | 'complete';

export async function markLoad(client: ClickHouseClient, name: string, state: LoadState, detail = ''): Promise<void> {
  await client.insert({ table: 'load_markers', values: [{ name, state, detail, at: toDateTime64(Date.now()) }], format: 'JSONEachRow' });
}

/** The latest state of a load, or null when it never ran here. */
export async function loadState(client: ClickHouseClient, name: string): Promise<{ state: LoadState; detail: string } | null> {
  const [row] = await queryRows<{ state: LoadState; detail: string }>(client, 'SELECT state, detail FROM load_markers FINAL WHERE name = {name:String}', { name });
  return row ?? null;
}
