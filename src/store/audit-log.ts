// The audit log: every reveal of an identity, every export and every token change, appended to
// ClickHouse. Nothing in the code updates or deletes it, and no route can.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { toDateTime64 } from './clickhouse-values.js';
import { queryRows } from './clickhouse.js';

export const AUDIT_ACTIONS = ['identity.reveal', 'rejection.payload', 'export', 'token.create', 'token.revoke', 'backup.create'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actor: string;
  actor_role: string;
  actor_scope: string;
  action: AuditAction;
  /** what was revealed or exported: a pseudonymous person reference, a rejection's source, a file name, a token id */
  target: string;
  reason: string;
  route: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Omit<AuditEntry, 'details'> {
  at: string;
  id: string;
  details: string;
}

export async function appendAudit(client: ClickHouseClient, entry: AuditEntry, now = Date.now()): Promise<void> {
  await client.insert({
    table: 'audit_log',
    values: [{ ...entry, at: toDateTime64(now), id: randomUUID(), details: JSON.stringify(entry.details ?? {}) }],
    format: 'JSONEachRow',
  });
}

export interface AuditQuery {
  since?: string;
  until?: string;
  action?: AuditAction;
  actor?: string;
  page: number;
  pageSize: number;
}

export async function readAudit(client: ClickHouseClient, q: AuditQuery): Promise<{ total: number; rows: AuditRecord[] }> {
  // The route checks the dates; OrZero keeps a date the engine still reads otherwise from failing the query.
  const where = `at >= parseDateTime64BestEffortOrZero({since:String}, 3, 'Asia/Shanghai')
    AND at < parseDateTime64BestEffortOrZero({until:String}, 3, 'Asia/Shanghai')
    AND (empty({action:String}) OR action = {action:String})
    AND (empty({actor:String}) OR actor = {actor:String})`;
  const params = { since: q.since ?? '1970-01-01', until: q.until ?? '2299-12-31', action: q.action ?? '', actor: q.actor ?? '', limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
  const [count] = await queryRows<{ n: string }>(client, `SELECT count() AS n FROM audit_log WHERE ${where}`, params);
  const rows = await queryRows<Omit<AuditRecord, 'at'> & { at_text: string }>(
    client,
    `SELECT toString(at) AS at_text, id, actor, actor_role, actor_scope, action, target, reason, route, details FROM audit_log WHERE ${where}
     ORDER BY at DESC, id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    params,
  );
  return { total: Number(count?.n ?? 0), rows: rows.map(({ at_text, ...r }) => ({ at: at_text, ...r })) };
}
