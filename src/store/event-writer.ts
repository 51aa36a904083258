// Writes normalised events and rejected events. Each call is one insert: callers batch.
import type { ClickHouseClient } from '@clickhouse/client';
import type { EventRow, RejectedEvent } from '../transform/event-row.js';

/** epoch ms → `YYYY-MM-DD hh:mm:ss.sss` (UTC), the DateTime64 text ClickHouse parses fastest. */
export function toDateTime64(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

export async function insertEvents(client: ClickHouseClient, rows: readonly EventRow[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'events',
    values: rows.map((r) => ({ ...r, occurred_at: toDateTime64(r.occurred_at), received_at: toDateTime64(r.received_at) })),
    format: 'JSONEachRow',
    ...(dedupToken ? { clickhouse_settings: { insert_deduplication_token: dedupToken } } : {}),
  });
}

export async function insertRejections(client: ClickHouseClient, rows: readonly RejectedEvent[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'rejections',
    values: rows.map((r) => ({
      ...r,
      received_at: toDateTime64(r.received_at),
      reasons: r.reasons.map((x) => ({ path: x.path, code: x.code, message: x.message })),
    })),
    format: 'JSONEachRow',
    ...(dedupToken ? { clickhouse_settings: { insert_deduplication_token: `${dedupToken}:rejections` } } : {}),
  });
}
