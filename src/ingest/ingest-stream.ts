// Feeds a stream of received events through the pipeline in store-sized batches, counting
// outcomes. Used by `hap import` and `npm start` (the synthetic district).
import { normaliseBatch, type PipelineDeps, type ReceivedEvent, storeOutcome } from './pipeline.js';

export interface StreamTotals {
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

export async function ingestBatches(
  batches: AsyncIterable<ReceivedEvent[]> | Iterable<ReceivedEvent[]>,
  deps: PipelineDeps,
  onProgress: (totals: StreamTotals) => void = () => {},
): Promise<StreamTotals> {
  const totals: StreamTotals = { accepted: 0, rejected: 0, rejectedByReason: {} };
  // Two stages in flight: the store inserts one batch (natively, off the JS thread) while the
  // next is normalised. At most two batches are held in memory.
  let storing: Promise<void> = Promise.resolve();
  for await (const batch of batches) {
    const outcome = normaliseBatch(batch, deps, Date.now());
    await storing;
    storing = storeOutcome(outcome, deps);
    // Observed now, rethrown by the `await storing` of the next round (or after the loop).
    storing.catch(() => {});
    totals.accepted += outcome.rows.length;
    totals.rejected += outcome.rejected.length;
    for (const r of outcome.rejected) {
      for (const code of new Set(r.reasons.map((x) => x.code))) totals.rejectedByReason[code] = (totals.rejectedByReason[code] ?? 0) + 1;
    }
    onProgress(totals);
  }
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
