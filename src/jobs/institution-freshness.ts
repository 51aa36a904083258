// Institutions that stopped sending events (DOMAIN.md, "What supervisors check"): the last
// event each institution sent, as known at the end of a reference date, and whether it is older
// than N days. Computed on demand (one GROUP BY over the event log's sort key), so the API and
// the nightly check always agree and nothing has to be kept in step.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Division } from '../reference/divisions.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { toDateTime64 } from '../store/clickhouse-values.js';
import { groupsOf } from '../metrics/evaluate.js';
import { todayInBeijing } from '../metrics/evaluation-period.js';
import { daysBetween } from './snapshot-dates.js';

export interface LastEvents {
  institution_code: string;
  /** epoch ms */
  last_received_at: number;
  /** epoch ms; null when every event it sent is dated after the reference date */
  last_occurred_at: number | null;
}

export type FreshnessStatus = 'ok' | 'stale' | 'never_sent';

export const FRESHNESS_LABELS: Record<FreshnessStatus, string> = {
  ok: '正常 (sending)',
  stale: '超期未上报 (stale: no events for the period)',
  never_sent: '从未上报 (never sent an event)',
};

export interface FreshnessRow {
  code: string;
  name: string;
  last_received_at: string | null;
  last_occurred_at: string | null;
  days_since_received: number | null;
  days_since_occurred: number | null;
  stale: boolean;
  status: FreshnessStatus;
  status_label: string;
}

/** End of a Beijing calendar day, epoch ms: what had been received "as of" that date. */
export function endOfBeijingDay(date: string): number {
  return Date.parse(`${date}T23:59:59.999+08:00`);
}

/**
 * Last event received and last event dated, per institution, counting only what had been
 * received by `receivedBefore`. Every stored copy counts (no FINAL): a clinic re-sending old
 * events is still sending.
 */
export async function lastEventsByInstitution(client: ClickHouseClient, receivedBefore: number): Promise<LastEvents[]> {
  const rows = await queryRows<{ institution_code: string; last_received: string; last_occurred: string | null }>(
    client,
    `SELECT institution_code,
       toUnixTimestamp64Milli(max(received_at)) AS last_received,
       toUnixTimestamp64Milli(maxIfOrNull(occurred_at, occurred_at <= {before:DateTime64(3, 'UTC')})) AS last_occurred
     FROM events
     WHERE received_at <= {before:DateTime64(3, 'UTC')}
     GROUP BY institution_code`,
    { before: toDateTime64(receivedBefore) },
  );
  return rows.map((r) => ({
    institution_code: r.institution_code,
    last_received_at: Number(r.last_received),
    last_occurred_at: r.last_occurred === null ? null : Number(r.last_occurred),
  }));
}

/**
 * Pure: one row per institution of the region (reference order; codes that only appear in the
 * event log follow when the region is the whole county). Stale when nothing was received in the
 * last `staleAfterDays` days up to `asOf`, or never.
 */
export function assessFreshness(
  institutions: readonly { code: string; name: string }[],
  last: readonly LastEvents[],
  asOf: string,
  staleAfterDays: number,
): FreshnessRow[] {
  const byCode = new Map(last.map((l) => [l.institution_code, l]));
  const daysSince = (ms: number | null) => (ms === null ? null : daysBetween(todayInBeijing(ms), asOf));
  return institutions.map(({ code, name }) => {
    const l = byCode.get(code);
    const daysReceived = daysSince(l?.last_received_at ?? null);
    const status: FreshnessStatus = daysReceived === null ? 'never_sent' : daysReceived >= staleAfterDays ? 'stale' : 'ok';
    return {
      code,
      name,
      last_received_at: l ? new Date(l.last_received_at).toISOString() : null,
      last_occurred_at: l?.last_occurred_at != null ? new Date(l.last_occurred_at).toISOString() : null,
      days_since_received: daysReceived,
      days_since_occurred: daysSince(l?.last_occurred_at ?? null),
      stale: status !== 'ok',
      status,
      status_label: FRESHNESS_LABELS[status],
    };
  });
}

export interface FreshnessReport {
  as_of: string;
  stale_after_days: number;
  rows: FreshnessRow[];
  stale: number;
}

export async function institutionFreshness(
  client: ClickHouseClient,
  reference: ReferenceData,
  options: { region: Division; asOf: string; staleAfterDays: number },
): Promise<FreshnessReport> {
  const last = await lastEventsByInstitution(client, endOfBeijingDay(options.asOf));
  const institutions = groupsOf(reference, options.region, 'institution');
  if (options.region.level === 'county') {
    const known = new Set(institutions.map((i) => i.code));
    // An institution removed from the reference data after sending still has to be accounted for.
    for (const l of last) if (!known.has(l.institution_code)) institutions.push({ code: l.institution_code, name: `未登记 (not in reference data) ${l.institution_code}` });
  }
  const rows = assessFreshness(institutions, last, options.asOf, options.staleAfterDays);
  return { as_of: options.asOf, stale_after_days: options.staleAfterDays, rows, stale: rows.filter((r) => r.stale).length };
}

/** The nightly check: the county as of today, the stale ones logged for whoever watches the log. */
export async function checkFreshness(
  runtime: { store: { client: ClickHouseClient }; reference: ReferenceData },
  options: { staleAfterDays: number; now: number; log: (message: string) => void },
): Promise<FreshnessReport> {
  const report = await institutionFreshness(runtime.store.client, runtime.reference, {
    region: runtime.reference.county,
    asOf: todayInBeijing(options.now),
    staleAfterDays: options.staleAfterDays,
  });
  const stale = report.rows.filter((r) => r.stale);
  const list = stale.map((r) => `${r.code} ${r.name} (${r.days_since_received === null ? '从未上报 never' : `${r.days_since_received} 天 days`})`).join('; ');
  options.log(
    stale.length === 0
      ? `机构上报检查 institution freshness ${report.as_of}: every institution sent events in the last ${report.stale_after_days} days`
      : `机构上报检查 institution freshness ${report.as_of}: ${stale.length} of ${report.rows.length} sent nothing for ≥ ${report.stale_after_days} days: ${list}`,
  );
  return report;
}
