// Storing a batch of transport messages so that nothing is lost and nothing is stuck: each insert
// of the batch covers a known range of messages; an insert the store refuses (or that is too
// large for its memory) is bisected, by message, until the events that fail are isolated. Only
// those are set aside; the rest land.
//
// Idempotency: every insert carries a deduplication token named after the message range it
// covers (`tokenOf(first, last)`, offsets in Kafka). The same messages normalised again give the
// same rows, so a redelivery or a retry of the same range is a no-op at the store, at any depth
// of the bisection. One insert is one block, so a refused insert stores nothing of its range.
import { insertEventText, insertRejections } from '../store/event-writer.js';
import type { Reason } from '../transform/event-row.js';
import { receivedFromMessage } from './event-text.js';
import { type EncodedBatch, inlineNormaliser, type PipelineDeps, type RawMessage, rejectionOf } from './pipeline.js';
import { storeIdentities } from './store-identities.js';
import { collapseRejections } from './rejection-copies.js';
import { findConflicts, insertConflicts } from '../store/event-conflicts.js';
import { backoffDelay, clickhouseCodeOf, classifyStoreError, type StoreErrorKind } from './retry.js';

/** A half-open range of message indexes [lo, hi). */
export interface MessageRange {
  lo: number;
  hi: number;
}

/**
 * Pure: the message range each insert of an encoded batch covers. Chunks hold the good rows in
 * message order, `chunkRows` at a time; the messages rejected by validation hold no row.
 */
export function chunkRanges(messageCount: number, rejectedIndexes: readonly number[], chunkRows: number): MessageRange[] {
  const rejected = new Set(rejectedIndexes);
  const ranges: MessageRange[] = [];
  let rows = 0;
  let lo = -1;
  for (let i = 0; i < messageCount; i++) {
    if (rejected.has(i)) continue;
    if (rows % chunkRows === 0) lo = i;
    rows++;
    if (rows % chunkRows === 0) ranges.push({ lo, hi: i + 1 });
  }
  if (rows % chunkRows !== 0) {
    let last = messageCount;
    while (rejected.has(last - 1)) last--;
    ranges.push({ lo, hi: last });
  }
  return ranges;
}

// A single event that still exceeds the memory limit is more likely a store short of memory
// for everything than an event too large: a few waits before it is set aside.
const SINGLE_EVENT_MEMORY_ATTEMPTS = 3;

export interface SplitStoreOptions {
  /** the deduplication token of the messages [first, last] (inclusive indexes) */
  tokenOf(first: number, last: number): string;
  /** between inserts: the consumer heartbeats */
  keepAlive(): Promise<void>;
  /** fixed for the batch, so normalising a part again gives the same rows */
  receivedAt: number;
  log?: (message: string) => void;
  /** base of the backoff before a single event is retried for memory */
  memoryRetryBaseMs?: number;
}

/**
 * Stores messages as events and rejections, isolating what the store refuses. Throws only what
 * the caller must decide about: a retriable store error (wait, retry the whole call: the ranges
 * already stored are skipped by their tokens) or a bug.
 */
export async function storeSplitting(messages: readonly RawMessage[], deps: PipelineDeps, options: SplitStoreOptions): Promise<EncodedBatch> {
  const normaliser = deps.normaliser ?? inlineNormaliser(deps);
  const encoded = await normaliser.fromMessages(messages, options.receivedAt);
  const ranges = chunkRanges(messages.length, encoded.rejected.map((r) => r.index), deps.insertBatchRows);
  if (ranges.length !== encoded.chunks.length) throw new Error(`encoded batch has ${encoded.chunks.length} chunks for ${ranges.length} ranges`);

  const setAside: EncodedBatch['rejected'] = [];

  const insertRange = async (range: MessageRange, tsv: Uint8Array | undefined): Promise<Refusal | null> => {
    if (!tsv || tsv.length === 0) return null;
    try {
      await insertEventText(deps.insertBytes, tsv, options.tokenOf(range.lo, range.hi - 1));
      return null;
    } catch (error) {
      const kind = classifyStoreError(error);
      if (kind === 'retriable' || kind === 'bug') throw error;
      const refusal = { kind, code: clickhouseCodeOf(error) ?? '' };
      options.log?.(`store refused messages ${options.tokenOf(range.lo, range.hi - 1)} (${kind}, ClickHouse code ${refusal.code})${range.hi - range.lo > 1 ? '; splitting' : '; setting the event aside'}`);
      return refusal;
    } finally {
      await options.keepAlive();
    }
  };

  const isolate = async (range: MessageRange, refusal: Refusal, attempt = 0): Promise<void> => {
    if (range.hi - range.lo === 1) {
      if (refusal.kind === 'too_large' && attempt + 1 < SINGLE_EVENT_MEMORY_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, options.memoryRetryBaseMs ?? 500, 10_000)));
        const again = await normaliser.fromMessages(messages.slice(range.lo, range.hi), options.receivedAt);
        const next = await insertRange(range, again.chunks[0]);
        if (next) await isolate(range, next, attempt + 1);
        return;
      }
      setAside.push(setAsideEvent(messages[range.lo]!, range.lo, options.receivedAt, refusal, deps));
      return;
    }
    const mid = range.lo + Math.floor((range.hi - range.lo) / 2);
    for (const half of [{ lo: range.lo, hi: mid }, { lo: mid, hi: range.hi }]) {
      const part = await normaliser.fromMessages(messages.slice(half.lo, half.hi), options.receivedAt);
      // A half smaller than one insert encodes to one chunk at most; its rejected messages are
      // already among the batch's rejections.
      const failed = await insertRange(half, part.chunks[0]);
      if (failed) await isolate(half, failed);
    }
  };

  const batchToken = messages.length > 0 ? options.tokenOf(0, messages.length - 1) : undefined;
  // Looked up before this batch is in the store: its own rows are not the kept copies.
  const conflicts = await findConflicts(deps.client, encoded.identities);
  for (const [i, range] of ranges.entries()) {
    const failed = await insertRange(range, encoded.chunks[i]);
    if (failed) await isolate(range, failed);
  }

  await storeIdentities(deps, encoded.people, options.receivedAt, batchToken);
  const rejected = [...encoded.rejected, ...setAside].sort((a, b) => a.index - b.index);
  await insertRejections(deps.client, collapseRejections(rejected), batchToken);
  await insertConflicts(deps.client, conflicts, options.receivedAt, batchToken);
  deps.onStored?.(encoded.touched);
  return { chunks: [], accepted: encoded.accepted - setAside.length, touched: encoded.touched, identities: '', people: '', receivedAt: options.receivedAt, rejected };
}

interface Refusal {
  kind: StoreErrorKind;
  /** the ClickHouse error code, for whoever fixes the store or the event */
  code: string;
}

function setAsideEvent(message: RawMessage, index: number, receivedAt: number, refusal: Refusal, deps: Pick<PipelineDeps, 'keyring'>): EncodedBatch['rejected'][number] {
  const reason: Reason =
    refusal.kind === 'too_large'
      ? { path: '(event)', code: 'store_memory_limit', message: `the store ran out of memory for this event alone (ClickHouse code ${refusal.code}); re-submit it` }
      : { path: '(event)', code: 'store_refused', message: `the store refused this event (ClickHouse code ${refusal.code}) though it is valid by the contract; re-submit once the store or the event is fixed` };
  return rejectionOf(receivedFromMessage(message), index, receivedAt, [reason], deps.keyring);
}
