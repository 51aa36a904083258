// One pipeline for every transport (HTTP batch, file import, Kafka): normalise each event,
// store the good ones and the rejected ones with their reasons and source position.
import type { ClickHouseClient } from '@clickhouse/client';
import type { InsertBytes } from '../store/clickhouse.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { type EventConflict, findConflicts, insertConflicts, type RowIdentities } from '../store/event-conflicts.js';
import { eventTsvLine, insertEventText, insertRejections, tsvText } from '../store/event-writer.js';
import type { EventRow, Reason, RejectedEvent } from '../transform/event-row.js';
import { normaliseEvent } from '../transform/normalise-event.js';
import { redactEvent, redactFreeText, unparsableSummary } from '../transform/redact.js';
import { receivedFromMessage } from './event-text.js';
import { collapseRejections } from './rejection-copies.js';
import { envelopeField, screenParsed } from './screen-event.js';
import { type Keyring, type Sealed, seal } from '../transform/sealing.js';
import type { Identity } from '../transform/normalise-event.js';
import { toDateTime64 } from '../store/clickhouse-values.js';

/** An event as received: parsed JSON, or the text that failed to parse. */
export type ReceivedEvent =
  // `refused`: the transport refused it before validation (say, a submitter's event of another
  // institution); it is stored as rejected with these reasons.
  // `screened`: its shape was already checked where it was parsed (not walked twice).
  | { kind: 'parsed'; value: unknown; source: string; refused?: Reason[]; screened?: boolean }
  | { kind: 'unparsable'; text: string; error: string; source: string }
  /** refused for its shape before anything walked it (src/ingest/screen-event.ts): already a rejection */
  | { kind: 'refused'; source: string; reasons: Reason[]; institution_code: string; event_id: string; type: string; raw_masked: string };

export interface BatchOutcome {
  rows: EventRow[];
  /** the batch index of each row */
  indexes: number[];
  receivedAt: number;
  rejected: (RejectedEvent & { index: number })[];
  /** each person's identity, sealed (the last of the batch per person); none without a keyring */
  sealedIdentities: SealedIdentity[];
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
  rejected: (RejectedEvent & { index: number })[];
  /** per stored row `index institution event_id content_hash source` (TSV lines): one string crosses a thread, not objects */
  identities: RowIdentities;
  /** TSV of sealed identities (IDENTITY_COLUMNS), empty without a keyring */
  sealedIdentities: Uint8Array;
  receivedAt: number;
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

/** Pure part: validation and normalisation of a batch, no I/O. */
/** A received event set aside with its reasons: identified as far as it can be, masked, its payload sealed. */
export function rejectionOf(event: ReceivedEvent, index: number, receivedAt: number, reasons: Reason[], keyring?: Keyring): RejectedEvent & { index: number } {
  if (event.kind === 'refused') {
    const { kind: _, ...rejection } = event;
    return { index, received_at: receivedAt, ...rejection, source: redactFreeText(rejection.source) };
  }
  const value = event.kind === 'parsed' ? event.value : undefined;
  return {
    index,
    received_at: receivedAt,
    source: redactFreeText(event.source),
    institution_code: envelopeField(value, 'institution_code'),
    event_id: envelopeField(value, 'event_id'),
    type: envelopeField(value, 'type'),
    // Messages may quote what was sent (an unknown institution code): masked like the rest.
    reasons: reasons.map((r) => ({ path: redactFreeText(r.path), code: r.code, message: redactFreeText(r.message) })),
    raw_masked: event.kind === 'parsed' ? redactEvent(event.value) : unparsableSummary(event.text),
    ...sealedPayload(event, keyring),
  };
}

export function sealedPayload(event: ReceivedEvent, keyring: Keyring | undefined): { payload_key_id?: string; payload_sealed?: string } {
  if (!keyring || event.kind === 'refused') return {};
  const sealed = seal(keyring, event.kind === 'parsed' ? (JSON.stringify(event.value) ?? '') : event.text);
  return { payload_key_id: sealed.key_id, payload_sealed: sealed.sealed };
}

export function normaliseBatch(events: readonly ReceivedEvent[], deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring'>, receivedAt: number): BatchOutcome {
  const outcome: BatchOutcome = { rows: [], indexes: [], rejected: [], receivedAt, sealedIdentities: [] };
  const identities = new Map<string, Identity>();
  events.forEach((received, index) => {
    // Events built by a caller (not parsed from text here) get the same look at their shape.
    const screened = received.kind === 'parsed' && !received.screened ? screenParsed(received.value, received.source) : received;
    const event = received.kind === 'parsed' && received.refused && screened.kind === 'parsed' ? { ...screened, refused: received.refused } : screened;
    if (event.kind === 'refused') {
      outcome.rejected.push(rejectionOf(event, index, receivedAt, event.reasons));
      return;
    }
    let reasons: Reason[];
    if (event.kind === 'unparsable') {
      reasons = [{ path: '(event)', code: 'json_invalid', message: event.error }];
    } else if (event.refused) {
      reasons = event.refused;
    } else {
      const result = normaliseEvent(event.value, { reference: deps.reference, pseudonymKey: deps.pseudonymKey, receivedAt, source: event.source });
      if (result.ok) {
        outcome.rows.push(result.row);
        outcome.indexes.push(index);
        identities.set(result.row.person_key, result.identity);
        return;
      }
      reasons = result.reasons;
    }
    outcome.rejected.push(rejectionOf(event, index, receivedAt, reasons, deps.keyring));
  });
  if (deps.keyring) {
    for (const [person_key, identity] of identities) outcome.sealedIdentities.push({ person_key, ...seal(deps.keyring, JSON.stringify(identity)) });
  }
  return outcome;
}

export const IDENTITY_COLUMNS = ['person_key', 'key_id', 'sealed', 'received_at'] as const;

const encoder = new TextEncoder();

/** Pure: the store's form of a normalised batch (TSV inserts of `chunkRows` rows, touched people). */
export function encodeOutcome(outcome: BatchOutcome, chunkRows: number): EncodedBatch {
  const chunks: Uint8Array[] = [];
  let identities = '';
  for (let i = 0; i < outcome.rows.length; i += chunkRows) {
    let text = '';
    const end = Math.min(i + chunkRows, outcome.rows.length);
    for (let k = i; k < end; k++) {
      const row = outcome.rows[k]!;
      const line = eventTsvLine(row);
      text += `${line}\n`;
      // The content hash is the line's last field; institution, event id and source are already TSV-escaped.
      identities += `${outcome.indexes[k]}\t${tsvText(row.institution_code)}\t${tsvText(row.event_id)}\t${line.slice(line.lastIndexOf('\t') + 1)}\t${tsvText(row.source)}\n`;
    }
    chunks.push(encoder.encode(text));
  }
  const touched = new Set<string>();
  for (const row of outcome.rows) {
    touched.add(row.person_key);
    if (row.linked_from) touched.add(row.linked_from);
  }
  const received = toDateTime64(outcome.receivedAt);
  let sealed = '';
  for (const i of outcome.sealedIdentities) sealed += `${i.person_key}\t${i.key_id}\t${i.sealed}\t${received}\n`;
  return { chunks, accepted: outcome.rows.length, touched: [...touched], rejected: outcome.rejected, identities, sealedIdentities: encoder.encode(sealed), receivedAt: outcome.receivedAt };
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
export async function ingestBatch(
  events: readonly ReceivedEvent[],
  deps: PipelineDeps,
  options: { receivedAt?: number; dedupToken?: string } = {},
): Promise<EncodedBatch & { conflicts: EventConflict[] }> {
  const receivedAt = options.receivedAt ?? Date.now();
  const batch = await normalise(events, deps, receivedAt);
  const conflicts = await storeBatch(batch, deps, options.dedupToken);
  return { ...batch, conflicts };
}

/**
 * Stores an encoded batch: events in store-sized inserts, then the rejections (identical ones
 * once, counted), then the event ids that arrived again with another content. Answers those.
 */
export async function storeBatch(
  batch: EncodedBatch,
  deps: Pick<PipelineDeps, 'client' | 'insertBytes' | 'onStored'>,
  dedupToken?: string,
): Promise<EventConflict[]> {
  // Looked up before this batch is in the store: its own rows are not the kept copies.
  const conflicts = await findConflicts(deps.client, batch.identities);
  for (const [i, chunk] of batch.chunks.entries()) {
    await insertEventText(deps.insertBytes, chunk, dedupToken ? `${dedupToken}:${i}` : undefined);
  }
  await insertSealedIdentities(deps, batch, dedupToken);
  await insertRejections(deps.client, collapseRejections(batch.rejected), dedupToken);
  await insertConflicts(deps.client, conflicts, batch.receivedAt, dedupToken);
  deps.onStored?.(batch.touched);
  return conflicts;
}

/** The batch's sealed identities (none without a keyring). */
export async function insertSealedIdentities(deps: Pick<PipelineDeps, 'insertBytes'>, batch: Pick<EncodedBatch, 'sealedIdentities'>, dedupToken: string | undefined): Promise<void> {
  if (batch.sealedIdentities.length === 0) return;
  await deps.insertBytes({
    table: 'identities',
    columns: IDENTITY_COLUMNS,
    format: 'TabSeparated',
    body: batch.sealedIdentities,
    ...(dedupToken ? { settings: { insert_deduplication_token: `${dedupToken}:identities` } } : {}),
  });
}
