// One pipeline for every transport (HTTP batch, file import, Kafka): normalise each event,
// store the good ones and the rejected ones with their reasons and source position.
import type { ClickHouseClient } from '@clickhouse/client';
import type { ReferenceData } from '../reference/reference-data.js';
import { insertEvents, insertRejections } from '../store/event-writer.js';
import type { EventRow, Reason, RejectedEvent } from '../transform/event-row.js';
import { normaliseEvent } from '../transform/normalise-event.js';
import { redactEvent, unparsableSummary } from '../transform/redact.js';

/** An event as received: parsed JSON, or the text that failed to parse. */
export type ReceivedEvent =
  | { kind: 'parsed'; value: unknown; source: string }
  | { kind: 'unparsable'; text: string; error: string; source: string };

export interface BatchOutcome {
  rows: EventRow[];
  rejected: (RejectedEvent & { index: number })[];
}

export interface PipelineDeps {
  client: ClickHouseClient;
  reference: ReferenceData;
  pseudonymKey: Buffer;
  insertBatchRows: number;
  /** told of every batch the store has (the maintained state re-evaluates its people) */
  onStored?: (rows: readonly EventRow[]) => void;
}

function field(value: unknown, key: string): string {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** Pure part: validation and normalisation of a batch, no I/O. */
export function normaliseBatch(events: readonly ReceivedEvent[], deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey'>, receivedAt: number): BatchOutcome {
  const outcome: BatchOutcome = { rows: [], rejected: [] };
  events.forEach((event, index) => {
    let reasons: Reason[];
    if (event.kind === 'unparsable') {
      reasons = [{ path: '(event)', code: 'json_invalid', message: event.error }];
    } else {
      const result = normaliseEvent(event.value, { reference: deps.reference, pseudonymKey: deps.pseudonymKey, receivedAt, source: event.source });
      if (result.ok) {
        outcome.rows.push(result.row);
        return;
      }
      reasons = result.reasons;
    }
    const value = event.kind === 'parsed' ? event.value : undefined;
    outcome.rejected.push({
      index,
      received_at: receivedAt,
      source: event.source,
      institution_code: field(value, 'institution_code'),
      event_id: field(value, 'event_id'),
      type: field(value, 'type'),
      reasons,
      raw_masked: event.kind === 'parsed' ? redactEvent(event.value) : unparsableSummary(event.text),
    });
  });
  return outcome;
}

/**
 * Normalises and stores a batch. Resolves only once the store has every row (good and
 * rejected), so a caller may then acknowledge the source. `dedupToken` makes a retry of the
 * same batch idempotent at the store.
 */
export async function ingestBatch(events: readonly ReceivedEvent[], deps: PipelineDeps, options: { receivedAt?: number; dedupToken?: string } = {}): Promise<BatchOutcome> {
  const outcome = normaliseBatch(events, deps, options.receivedAt ?? Date.now());
  await storeOutcome(outcome, deps, options.dedupToken);
  return outcome;
}

/** Stores a normalised batch: events in store-sized inserts, then the rejections. */
export async function storeOutcome(outcome: BatchOutcome, deps: Pick<PipelineDeps, 'client' | 'insertBatchRows' | 'onStored'>, dedupToken?: string): Promise<void> {
  const options = { dedupToken };
  for (let i = 0; i < outcome.rows.length; i += deps.insertBatchRows) {
    const chunk = outcome.rows.slice(i, i + deps.insertBatchRows);
    await insertEvents(deps.client, chunk, options.dedupToken ? `${options.dedupToken}:${i}` : undefined);
  }
  await insertRejections(deps.client, outcome.rejected.map(({ index: _, ...r }) => r), options.dedupToken);
  deps.onStored?.(outcome.rows);
}
