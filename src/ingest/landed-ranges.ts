// What this worker has already stored, by partition, and not yet seen committed: the offset
// ranges of batches that landed whole (events, identities, rejections, conflicts and the
// dead-letter copies). A batch redelivered after a rebalance or a failed commit can arrive with
// other boundaries than the one that landed; insert tokens are named by offset range, so its
// overlap would be inserted again under another token (a physical copy until the merge folds
// it). Splitting a redelivered batch at the landed boundaries and skipping the landed parts
// keeps the store's rows one per message.
//
// The memory is the process's own: after a restart, or on another worker of the group, the
// uncommitted tail is inserted again under other tokens; figures still count it once (the
// tables are ReplacingMergeTree, read FINAL), and the merges fold the copies.

/** Inclusive offsets. */
interface OffsetRange {
  first: bigint;
  last: bigint;
}

/** A run of message indexes [lo, hi) of a batch, and whether this worker stored it already. */
export interface BatchSegment {
  lo: number;
  hi: number;
  landed: boolean;
}

/**
 * Ranges kept per partition: a partition taken away by a rebalance is never committed by this
 * worker, so its ranges would stay; the oldest go first (they are the least likely redelivered).
 */
const MAX_RANGES_PER_PARTITION = 1_000;

export class LandedRanges {
  private readonly byPartition = new Map<string, OffsetRange[]>();

  constructor(private readonly maxPerPartition = MAX_RANGES_PER_PARTITION) {}

  /** The batch `offsets` (ascending) landed whole. */
  record(partition: string, first: string, last: string): void {
    const ranges = this.byPartition.get(partition) ?? [];
    ranges.push({ first: BigInt(first), last: BigInt(last) });
    if (ranges.length > this.maxPerPartition) ranges.shift();
    this.byPartition.set(partition, ranges);
  }

  /** The group has committed up to `nextOffset` (exclusive): nothing below it is redelivered. */
  committed(partition: string, nextOffset: string): void {
    const next = BigInt(nextOffset);
    const kept = (this.byPartition.get(partition) ?? []).filter((r) => r.last >= next);
    if (kept.length > 0) this.byPartition.set(partition, kept);
    else this.byPartition.delete(partition);
  }

  /** How many ranges are remembered (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const ranges of this.byPartition.values()) n += ranges.length;
    return n;
  }

  /**
   * Pure over the memory: the batch's messages (ascending offsets) cut into segments, split at
   * every landed range's boundaries; a segment inside a landed range is `landed`. Messages
   * between or after landed ranges form new segments, stored under tokens of their own.
   */
  segments(partition: string, offsets: readonly string[]): BatchSegment[] {
    const ranges = this.byPartition.get(partition);
    if (!ranges || ranges.length === 0 || offsets.length === 0) return offsets.length === 0 ? [] : [{ lo: 0, hi: offsets.length, landed: false }];
    const landedAt = (offset: bigint): OffsetRange | undefined => ranges.find((r) => r.first <= offset && offset <= r.last);
    const segments: BatchSegment[] = [];
    let current: { lo: number; range: OffsetRange | undefined } | undefined;
    for (let i = 0; i < offsets.length; i++) {
      const range = landedAt(BigInt(offsets[i]!));
      if (current && current.range === range) continue;
      if (current) segments.push({ lo: current.lo, hi: i, landed: current.range !== undefined });
      current = { lo: i, range };
    }
    if (current) segments.push({ lo: current.lo, hi: offsets.length, landed: current.range !== undefined });
    return segments;
  }
}
