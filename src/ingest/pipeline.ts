// One pipeline for every transport (HTTP batch, file import, Kafka): normalise each event,
// store the good ones and the rejected ones with their reasons and source position.
import type { ClickHouseClient } from '@clickhouse/client';
import type { InsertBytes } from '../store/clickhouse.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { eventTsvLine, insertEventText, insertRejections } from '../store/event-writer.js';
import type { EventRow, Reason, RejectedEvent } from '../transform/event-row.js';
import { normaliseEvent } from '../transform/normalise-event.js';
import { redactEvent, unparsableSummary } from '../transform/redact.js';
import { receivedFromMessage } from './event-text.js';
import { type Keyring, type Sealed, seal } from '../transform/sealing.js';
import type { Identity } from '../transform/normalise-event.js';
import { toDateTime64 } from '../store/clickhouse-values.js';

/** An event as received: parsed JSON, or the text that failed to parse. */
export type ReceivedEvent =
  // `refused`: the transport refused it before validation (say, a submitter's event of another
  // institution); it is stored as rejected with these reasons.
  | { kind: 'parsed'; value: unknown; source: string; refused?: Reason[] }
  | { kind: 'unparsable'; text: string; error: string; source: string };

export interface BatchOutcome {
  rows: EventRow[];
  rejected: (RejectedEvent & { index: number })[];
  /** each person's identity, sealed (the last of the batch per person); none without a keyring */
  identities: SealedIdentity[];
}

export interface SealedIdentity extends Sealed {
  person_key: string;
}

/**
 * A normalised batch ready for the store: the good rows already as TabSeparated inserts (text is
 * what crosses from a normalising thread, not a million objects), the people they touch, and the
 * rejected events.
 */
export interface EncodedBatch {
  /** one insert each, at most `insertBatchRows` rows */
  chunks: Uint8Array[];
  accepted: number;
  /** person keys the rows are about, linked identifiers included (the maintained state refreshes them) */
  touched: string[];
  /** TSV of sealed identities (IDENTITY_COLUMNS), empty without a keyring */
  identities: Uint8Array;
  rejected: (RejectedEvent & { index: number })[];
}

/** Turns received events or raw messages into encoded batches: in this thread or in a pool. */
export interface Normaliser {
  fromEvents(events: readonly ReceivedEvent[], receivedAt: number): Promise<EncodedBatch>;
  fromMessages(messages: readonly RawMessage[], receivedAt: number): Promise<EncodedBatch>;
  close(): Promise<void>;
}

/** A message as it came off a transport: bytes (null for a tombstone) and its source position. */
export interface RawMessage {
  value: Uint8Array | null;
  source: string;
  /** refused by the transport before validation (the Kafka header hap-refused) */
  refused?: Reason[];
}

export interface PipelineDeps {
  client: ClickHouseClient;
  /** the store's insert of encoded rows */
  insertBytes: InsertBytes;
  reference: ReferenceData;
  pseudonymKey: Buffer;
  /** seals identities and rejected payloads; without one neither is kept */
  keyring?: Keyring;
  insertBatchRows: number;
  /** where normalisation runs; in this thread when absent */
  normaliser?: Normaliser;
  /** told of every batch the store has (the maintained state re-evaluates its people) */
  onStored?: (personKeys: readonly string[]) => void;
}

function field(value: unknown, key: string): string {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** A received event set aside with its reasons: identified as far as it can be, masked. */
export function rejectionOf(event: ReceivedEvent, index: number, receivedAt: number, reasons: Reason[], keyring?: Keyring): RejectedEvent & { index: number } {
  const value = event.kind === 'parsed' ? event.value : undefined;
  return {
    index,
    received_at: receivedAt,
    source: event.source,
    institution_code: field(value, 'institution_code'),
    event_id: field(value, 'event_id'),
    type: field(value, 'type'),
    reasons,
    raw_masked: event.kind === 'parsed' ? redactEvent(event.value) : unparsableSummary(event.text),
    ...sealedPayload(event, keyring),
  };
}

/** Pure part: validation and normalisation of a batch, no I/O. */
export function normaliseBatch(events: readonly ReceivedEvent[], deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring'>, receivedAt: number): BatchOutcome {
  const outcome: BatchOutcome = { rows: [], rejected: [], identities: [] };
  const identities = new Map<string, Identity>();
  events.forEach((event, index) => {
    let reasons: Reason[];
    if (event.kind === 'unparsable') {
      reasons = [{ path: '(event)', code: 'json_invalid', message: event.error }];
    } else if (event.refused) {
      reasons = event.refused;
    } else {
      const result = normaliseEvent(event.value, { reference: deps.reference, pseudonymKey: deps.pseudonymKey, receivedAt, source: event.source });
      if (result.ok) {
        outcome.rows.push(result.row);
        identities.set(result.row.person_key, result.identity);
        return;
      }
      reasons = result.reasons;
    }
    outcome.rejected.push(rejectionOf(event, index, receivedAt, reasons, deps.keyring));
  });
  if (deps.keyring) {
    for (const [person_key, identity] of identities) outcome.identities.push({ person_key, ...seal(deps.keyring, JSON.stringify(identity)) });
  }
  return outcome;
}

const encoder = new TextEncoder();

export function sealedPayload(event: ReceivedEvent, keyring: Keyring | undefined): { payload_key_id?: string; payload_sealed?: string } {
  if (!keyring) return {};
  const sealed = seal(keyring, event.kind === 'parsed' ? JSON.stringify(event.value) ?? '' : event.text);
  return { payload_key_id: sealed.key_id, payload_sealed: sealed.sealed };
}

export const IDENTITY_COLUMNS = ['person_key', 'key_id', 'sealed', 'received_at'] as const;

/** Pure: the store's form of a normalised batch (TSV inserts of `chunkRows` rows, touched people). */
export function encodeOutcome(outcome: BatchOutcome, chunkRows: number): EncodedBatch {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < outcome.rows.length; i += chunkRows) {
    let text = '';
    for (const row of outcome.rows.slice(i, i + chunkRows)) text += `${eventTsvLine(row)}\n`;
    chunks.push(encoder.encode(text));
  }
  const touched = new Set<string>();
  for (const row of outcome.rows) {
    touched.add(row.person_key);
    if (row.linked_from) touched.add(row.linked_from);
  }
  const received = outcome.rows[0] ? toDateTime64(outcome.rows[0].received_at) : '';
  let identities = '';
  for (const i of outcome.identities) identities += `${i.person_key}\t${i.key_id}\t${i.sealed}\t${received}\n`;
  return { chunks, accepted: outcome.rows.length, touched: [...touched], identities: encoder.encode(identities), rejected: outcome.rejected };
}

/** Normalises in this thread: the fallback, and what a pool's threads run. */
export function inlineNormaliser(deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring' | 'insertBatchRows'>): Normaliser {
  return {
    fromEvents: async (events, receivedAt) => encodeOutcome(normaliseBatch(events, deps, receivedAt), deps.insertBatchRows),
    fromMessages: async (messages, receivedAt) => encodeOutcome(normaliseBatch(messages.map(receivedFromMessage), deps, receivedAt), deps.insertBatchRows),
    close: async () => {},
  };
}

export function normalise(events: readonly ReceivedEvent[], deps: PipelineDeps, receivedAt: number): Promise<EncodedBatch> {
  return (deps.normaliser ?? inlineNormaliser(deps)).fromEvents(events, receivedAt);
}

/**
 * Normalises and stores a batch. Resolves only once the store has every row (good and
 * rejected), so a caller may then acknowledge the source. `dedupToken` makes a retry of the
 * same batch idempotent at the store.
 */
export async function ingestBatch(events: readonly ReceivedEvent[], deps: PipelineDeps, options: { receivedAt?: number; dedupToken?: string } = {}): Promise<EncodedBatch> {
  const batch = await normalise(events, deps, options.receivedAt ?? Date.now());
  await storeBatch(batch, deps, options.dedupToken);
  return batch;
}

/** Stores an encoded batch: events in store-sized inserts, then the rejections. */
export async function storeBatch(batch: EncodedBatch, deps: Pick<PipelineDeps, 'client' | 'insertBytes' | 'onStored'>, dedupToken?: string): Promise<void> {
  for (const [i, chunk] of batch.chunks.entries()) {
    await insertEventText(deps.insertBytes, chunk, dedupToken ? `${dedupToken}:${i}` : undefined);
  }
  if (batch.identities.length > 0) {
    await deps.insertBytes({ table: 'identities', columns: IDENTITY_COLUMNS, format: 'TabSeparated', body: batch.identities, ...(dedupToken ? { settings: { insert_deduplication_token: `${dedupToken}:identities` } } : {}) });
  }
  await insertRejections(deps.client, batch.rejected.map(({ index: _, ...r }) => r), dedupToken);
  deps.onStored?.(batch.touched);
}
