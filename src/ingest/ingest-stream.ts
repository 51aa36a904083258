// Feeds a stream of received events through the pipeline in store-sized batches, counting
// outcomes. Used by `hap import` and `npm start` (the synthetic district).
import { type EncodedBatch, normalise, type PipelineDeps, type ReceivedEvent, storeBatch } from './pipeline.js';

export interface StreamTotals {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** event ids that arrived again with another content (the stored copy is kept) */
  conflicts: number;
}

export async function ingestBatches(
  batches: AsyncIterable<ReceivedEvent[]> | Iterable<ReceivedEvent[]>,
  deps: PipelineDeps,
  onProgress: (totals: StreamTotals) => void = () => {},
): Promise<StreamTotals> {
  const totals: StreamTotals = { accepted: 0, rejected: 0, rejectedByReason: {}, conflicts: 0 };
  // Three stages in flight: the store inserts one batch (natively, off the JS thread) while the
  // next is normalised (in the pool when there is one) and the one after is read or generated.
  // At most three batches are held in memory.
  let storing: Promise<void> = Promise.resolve();
  let normalising: Promise<EncodedBatch> | undefined;
  const store = async (pending: Promise<EncodedBatch>) => {
    const outcome = await pending;
    await storing;
    storing = storeBatch(outcome, deps).then((conflicts) => {
      totals.conflicts += conflicts.length;
    });
    // Observed now, rethrown by the `await storing` of the next round (or after the loop).
    storing.catch(() => {});
    count(outcome);
  };
  const count = (outcome: EncodedBatch) => {
    totals.accepted += outcome.accepted;
    totals.rejected += outcome.rejected.length;
    for (const r of outcome.rejected) {
      for (const code of new Set(r.reasons.map((x) => x.code))) totals.rejectedByReason[code] = (totals.rejectedByReason[code] ?? 0) + 1;
    }
    onProgress(totals);
  };
  for await (const batch of batches) {
    const next = normalise(batch, deps, Date.now());
    next.catch(() => {});
    if (normalising) await store(normalising);
    normalising = next;
  }
  if (normalising) await store(normalising);
  await storing;
  return totals;
}

/** Groups plain event objects into batches of received events with a source position. */
export function* batchesOf(events: Iterable<unknown>, size: number, sourceOf: (i: number) => string): Generator<ReceivedEvent[]> {
  let batch: ReceivedEvent[] = [];
  let i = 0;
  for (const value of events) {
    batch.push({ kind: 'parsed', value, source: sourceOf(i++) });
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
