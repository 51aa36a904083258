// Writes normalised events and rejected events. Each call is one insert: callers batch.
import type { ClickHouseClient } from '@clickhouse/client';
import { fieldMask } from '../transform/archive-fields.js';
import type { EventRow, RejectedEvent } from '../transform/event-row.js';

/** epoch ms → `YYYY-MM-DD hh:mm:ss.sss` (UTC), the DateTime64 text ClickHouse parses fastest. */
export function toDateTime64(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

/**
 * The JSON a row is inserted as: columns at their default (null, '', [], 0) are left out, which
 * ClickHouse fills in; a typical row shrinks by a third, and insert time with it.
 */
export function eventInsertRow(r: EventRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    institution_code: r.institution_code,
    event_id: r.event_id,
    type: r.type,
    occurred_at: toDateTime64(r.occurred_at),
    received_at: toDateTime64(r.received_at),
    person_key: r.person_key,
    id_type: r.id_type,
    id_masked: r.id_masked,
    source: r.source,
  };
  for (const key of OPTIONAL_COLUMNS) {
    const value = r[key];
    if (value !== null && value !== '') out[key] = value;
  }
  const answered = fieldMask(Object.keys(r.fields));
  if (answered !== 0) out.answered_fields = answered;
  if (r.warnings.length > 0) out.warnings = r.warnings;
  return out;
}

const OPTIONAL_COLUMNS = [
  'name_masked', 'sex', 'birth_date', 'archive_no', 'event_date', 'medium', 'division_code', 'program', 'method', 'kind',
  'visit_kind', 'bp_systolic', 'bp_diastolic', 'fasting_glucose', 'classification', 'condition', 'gestational_weeks',
  'doses_due', 'doses_taken', 'next_followup_on',
] as const satisfies readonly (keyof EventRow)[];

export async function insertEvents(client: ClickHouseClient, rows: readonly EventRow[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'events',
    values: rows.map(eventInsertRow),
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
