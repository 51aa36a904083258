// One event id, two contents. `(institution_code, event_id)` is the idempotency key and the first
// received copy is kept (migration 1): a later copy with the same content is a harmless replay,
// one with different content would vanish without a word. Those are found here before a batch is
// stored, answered to the sender and kept in `event_conflicts` for the worklist
// (`event_id_conflict`). Which copy is kept does not change.
import type { ClickHouseClient } from '@clickhouse/client';
import { toDateTime64 } from './clickhouse-values.js';
import { queryRows } from './clickhouse.js';

/** A batch's stored rows as the conflict check needs them: one TSV line each, `index institution event_id hash source`. */
export type RowIdentities = string;

export interface EventConflict {
  /** index of the conflicting copy in its batch (the request's index over HTTP) */
  index: number;
  institution_code: string;
  event_id: string;
  source: string;
  content_hash: string;
  /** receipt of the copy kept, as stored (UTC); null when the other copy is in the same batch */
  kept_received_at: string | null;
  kept_hash: string;
  message: string;
}

interface Identity {
  index: number;
  institution_code: string;
  event_id: string;
  content_hash: string;
  source: string;
}

// The identity fields went through the TSV escaping of the event line (tsvText); undo it.
const tsvUnescape = (text: string) => (text.includes('\\') ? text.replace(/\\(.)/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c) : text);

function parseIdentities(lines: RowIdentities): Identity[] {
  if (lines === '') return [];
  return lines.split('\n').filter(Boolean).map((line) => {
    const [index, institution, eventId, hash, source] = line.split('\t');
    return { index: Number(index), institution_code: tsvUnescape(institution!), event_id: tsvUnescape(eventId!), content_hash: hash!, source: tsvUnescape(source ?? '') };
  });
}

const keyOf = (i: { institution_code: string; event_id: string }) => `${i.institution_code}\u0000${i.event_id}`;

/** Conflicts of a batch with what the store has, and between copies inside the batch. */
export async function findConflicts(client: ClickHouseClient, identities: RowIdentities): Promise<EventConflict[]> {
  const rows = parseIdentities(identities);
  if (rows.length === 0) return [];
  const conflicts: EventConflict[] = [];
  // Inside the batch: a second copy with another content than the first of the batch.
  const firstInBatch = new Map<string, Identity>();
  for (const row of rows) {
    const first = firstInBatch.get(keyOf(row));
    if (!first) firstInBatch.set(keyOf(row), row);
    else if (first.content_hash !== row.content_hash) {
      conflicts.push({ ...row, kept_received_at: null, kept_hash: first.content_hash, message: `content differs from another copy of event ${row.event_id} in the same batch (index ${first.index})` });
    }
  }
  // With the store: the kept copy is the first received (copies stored before the content hash
  // existed have none and are not compared).
  const stored = await queryRows<{ institution_code: string; event_id: string; kept_hash: string; kept_at: string; kept_day: string }>(
    client,
    `SELECT institution_code, event_id, argMin(content_hash, received_at) AS kept_hash, toString(min(received_at)) AS kept_at,
       toString(toDate(min(received_at), 'Asia/Shanghai')) AS kept_day
     FROM events WHERE institution_code IN {institutions:Array(String)} AND event_id IN {event_ids:Array(String)}
     GROUP BY institution_code, event_id`,
    // Two lists (both columns of the primary key); pairs across them are filtered out below.
    { institutions: [...new Set(rows.map((r) => r.institution_code))], event_ids: [...new Set(rows.map((r) => r.event_id))] },
  );
  const keptOf = new Map(stored.filter((s) => s.kept_hash !== '').map((s) => [keyOf(s), s]));
  for (const row of rows) {
    const kept = keptOf.get(keyOf(row));
    if (!kept || kept.kept_hash === row.content_hash) continue;
    conflicts.push({ ...row, kept_received_at: kept.kept_at, kept_hash: kept.kept_hash, message: `content differs from the copy stored on ${kept.kept_day}; the stored copy is kept` });
  }
  return conflicts.sort((a, b) => a.index - b.index);
}

export async function insertConflicts(client: ClickHouseClient, conflicts: readonly EventConflict[], receivedAt: number, dedupToken?: string): Promise<void> {
  if (conflicts.length === 0) return;
  await client.insert({
    table: 'event_conflicts',
    values: conflicts.map((c) => ({
      received_at: toDateTime64(receivedAt),
      source: c.source,
      institution_code: c.institution_code,
      event_id: c.event_id,
      content_hash: c.content_hash,
      kept_received_at: c.kept_received_at,
      kept_hash: c.kept_hash,
      message: c.message,
    })),
    format: 'JSONEachRow',
    ...(dedupToken ? { clickhouse_settings: { insert_deduplication_token: `${dedupToken}:conflicts` } } : {}),
  });
}
