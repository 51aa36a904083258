// One pipeline for every transport (HTTP batch, file import, Kafka): normalise each event,
// store the good ones and the rejected ones with their reasons and source position.
import type { ClickHouseClient } from '@clickhouse/client';
import type { InsertBytes } from '../store/clickhouse.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { type EventConflict, findConflicts, insertConflicts } from '../store/event-conflicts.js';
import { insertEventText, insertRejections } from '../store/event-writer.js';
import type { EventRow, Reason, RejectedEvent } from '../transform/event-row.js';
import { normaliseEvent } from '../transform/normalise-event.js';
import { redactEvent, redactFreeText, unparsableSummary } from '../transform/redact.js';
import { receivedFromMessage } from './event-text.js';
import { collapseRejections } from './rejection-copies.js';
import { envelopeField, screenParsed } from './screen-event.js';
import { type Keyring, seal } from '../transform/sealing.js';
import type { Identity } from '../transform/normalise-event.js';
import { BatchEncoder, type EncodedBatch } from './batch-encoder.js';
import type { SealedPeople } from './sealed-people.js';
import { storeIdentities } from './store-identities.js';

export type { EncodedBatch };

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
  /** whose identity the store has sealed (this process's view); without it every batch stores all its people */
  sealedPeople?: SealedPeople;
  insertBatchRows: number;
  /** where normalisation runs; in this thread when absent */
  normaliser?: Normaliser;
  /** told of every batch the store has (the maintained state re-evaluates its people) */
  onStored?: (personKeys: readonly string[]) => void;
  /** told, after a stored batch, how many messages still wait behind it in its source (a Kafka partition) */
  onBacklog?: (source: string, waiting: number) => void;
}

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

/**
 * Screens and normalises the events of a batch one after the other, handing each accepted row to
 * `accept` as soon as it is made; answers the rejections. `receivedOf` makes each event when it
 * is reached (a message is parsed then), so one event is alive at a time, not the batch.
 */
export function normaliseEach(
  count: number,
  receivedOf: (index: number) => ReceivedEvent,
  deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring'>,
  receivedAt: number,
  accept: (row: EventRow, identity: Identity, index: number) => void,
): (RejectedEvent & { index: number })[] {
  const rejected: (RejectedEvent & { index: number })[] = [];
  for (let index = 0; index < count; index++) {
    const received = receivedOf(index);
    // Events built by a caller (not parsed from text here) get the same look at their shape.
    const screened = received.kind === 'parsed' && !received.screened ? screenParsed(received.value, received.source) : received;
    const event = received.kind === 'parsed' && received.refused && screened.kind === 'parsed' ? { ...screened, refused: received.refused } : screened;
    if (event.kind === 'refused') {
      rejected.push(rejectionOf(event, index, receivedAt, event.reasons));
      continue;
    }
    let reasons: Reason[];
    if (event.kind === 'unparsable') {
      reasons = [{ path: '(event)', code: 'json_invalid', message: event.error }];
    } else if (event.refused) {
      reasons = event.refused;
    } else {
      const result = normaliseEvent(event.value, { reference: deps.reference, pseudonymKey: deps.pseudonymKey, receivedAt, source: event.source });
      if (result.ok) {
        accept(result.row, result.identity, index);
        continue;
      }
      reasons = result.reasons;
    }
    rejected.push(rejectionOf(event, index, receivedAt, reasons, deps.keyring));
  }
  return rejected;
}

/** Pure: validation and normalisation of a batch into row objects (the publisher's check). */
export function normaliseBatch(events: readonly ReceivedEvent[], deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring'>, receivedAt: number): BatchOutcome {
  const rows: EventRow[] = [];
  const rejected = normaliseEach(events.length, (i) => events[i]!, deps, receivedAt, (row) => rows.push(row));
  return { rows, rejected };
}

/** Pure: a batch normalised straight into the store's form (TSV inserts of `insertBatchRows` rows, touched people). */
export function encodeBatch(
  count: number,
  receivedOf: (index: number) => ReceivedEvent,
  deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring' | 'insertBatchRows'>,
  receivedAt: number,
): EncodedBatch {
  const encoder = new BatchEncoder(deps.insertBatchRows);
  const rejected = normaliseEach(count, receivedOf, deps, receivedAt, (row, identity, index) => encoder.add(row, identity, index));
  return encoder.finish(rejected, receivedAt);
}

/** Normalises in this thread: the fallback, and what a pool's threads run. */
export function inlineNormaliser(deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey' | 'keyring' | 'insertBatchRows'>): Normaliser {
  return {
    fromEvents: async (events, receivedAt) => encodeBatch(events.length, (i) => events[i]!, deps, receivedAt),
    fromMessages: async (messages, receivedAt) => encodeBatch(messages.length, (i) => receivedFromMessage(messages[i]!), deps, receivedAt),
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
  deps: Pick<PipelineDeps, 'client' | 'insertBytes' | 'onStored' | 'keyring' | 'sealedPeople'>,
  dedupToken?: string,
): Promise<EventConflict[]> {
  // Looked up before this batch is in the store: its own rows are not the kept copies.
  const conflicts = await findConflicts(deps.client, batch.identities);
  for (const [i, chunk] of batch.chunks.entries()) {
    await insertEventText(deps.insertBytes, chunk, dedupToken ? `${dedupToken}:${i}` : undefined);
  }
  await storeIdentities(deps, batch.people, batch.receivedAt, dedupToken);
  await insertRejections(deps.client, collapseRejections(batch.rejected), dedupToken);
  await insertConflicts(deps.client, conflicts, batch.receivedAt, dedupToken);
  deps.onStored?.(batch.touched);
  return conflicts;
}
