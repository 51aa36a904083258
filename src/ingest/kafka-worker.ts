// The Kafka ingest worker: at-least-once consumption, idempotent store writes, so results are
// exactly-once. A batch's offsets are committed only after the store has its rows (good and
// rejected); rejected messages also go to the dead-letter topic. Nothing blocks a partition:
// events the store refuses are isolated and set aside (split-store.ts), a store that is briefly
// down is waited for while this consumer still owns the partition, committing nothing.
import type { BatchControl, BusBatch, BusConsumer, BusMessage, BusProducer, EventBus } from '../kafka/bus.js';
import { KAFKA_DEFAULTS } from '../kafka/defaults.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { LandedRanges } from './landed-ranges.js';
import type { EncodedBatch, PipelineDeps, RawMessage } from './pipeline.js';
import { retryWhileRetriable } from './retry.js';
import { storeSplitting } from './split-store.js';
import type { Reason } from '../transform/event-row.js';
import { REFUSED_HEADER } from './kafka-publisher.js';

export interface KafkaWorkerOptions {
  topic: string;
  dlqTopic: string;
  group: string;
  log?: (message: string) => void;
}

/** Reasons the publisher refused a message with (header hap-refused), e.g. another institution's event. */
function refusedBy(message: BusMessage): { refused?: Reason[] } {
  const header = message.headers?.[REFUSED_HEADER];
  if (!header) return {};
  try {
    const reasons = JSON.parse(header) as Reason[];
    return Array.isArray(reasons) && reasons.length > 0 ? { refused: reasons } : {};
  } catch {
    return { refused: [{ path: '(event)', code: 'refused', message: 'refused by the publisher' }] };
  }
}

/**
 * The insert deduplication token of the messages `first..last` (indexes) of a batch: named by
 * their offsets, so a retry or redelivery of the same offsets is a no-op at the store.
 */
export function rangeToken(batch: Pick<BusBatch, 'topic' | 'partition' | 'messages'>, first: number, last: number): string {
  return `${batch.topic}:${batch.partition}:${batch.messages[first]!.offset}-${batch.messages[last]!.offset}`;
}

/** The token of a whole batch. */
export function batchToken(batch: Pick<BusBatch, 'topic' | 'partition' | 'messages'>): string {
  return rangeToken(batch, 0, batch.messages.length - 1);
}

interface HeartbeatTicker {
  /** a heartbeat was answered with a rebalance: give the batch up, uncommitted */
  readonly rebalancing: boolean;
  stop(): void;
}

/** Heartbeats every `intervalMs` until stopped; a failed heartbeat (a rebalance) is remembered. */
function heartbeatWhileBusy(control: BatchControl, intervalMs: number): HeartbeatTicker {
  const ticker = {
    rebalancing: false,
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    control.heartbeat().catch(() => {
      ticker.rebalancing = true;
    });
  }, intervalMs);
  timer.unref();
  return ticker;
}

/** Whether `work` settled (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class KafkaWorker {
  private consumer?: BusConsumer;
  private dlq?: BusProducer;
  /** batches stored and not yet committed, so a redelivery with other boundaries is not stored twice */
  private readonly landed = new LandedRanges();
  /** per partition, the offset after the last batch this worker committed */
  private readonly nextOffsets = new Map<string, string>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly bus: EventBus,
    private readonly options: KafkaWorkerOptions,
    private readonly metrics: IngestMetrics,
  ) {}

  async start(): Promise<void> {
    this.dlq = await this.bus.producer();
    this.consumer = await this.bus.consumer({ group: this.options.group, topic: this.options.topic, fromBeginning: true });
    await this.consumer.run((batch, control) => this.handleBatch(batch, control));
  }

  /** Resolves if the consumer crashes for good (the caller decides: exit and let the supervisor restart). */
  get crashed(): Promise<Error> | undefined {
    return this.consumer?.crashed;
  }

  async handleBatch(batch: BusBatch, control: BatchControl): Promise<void> {
    if (batch.messages.length === 0) return;
    const started = Date.now();
    const partition = `${batch.topic}:${batch.partition}`;
    // A partition this worker did not just read (new to it, or taken back after a rebalance):
    // another consumer may have stored its people's identities meanwhile.
    if (this.nextOffsets.get(partition) !== batch.messages[0]!.offset) this.deps.sealedPeople?.forget();
    await control.heartbeat();
    // A long insert (a store under load, parts piling up) must not outlive the session: the
    // group would take the partition away and redeliver the batch to someone else.
    const ticker = heartbeatWhileBusy(control, KAFKA_DEFAULTS.heartbeatIntervalMs);
    let accepted = 0;
    const rejectedCodes: string[][] = [];
    try {
      for (const segment of this.landed.segments(partition, batch.messages.map((m) => m.offset))) {
        if (segment.landed) {
          this.metrics.recordRedeliverySkipped(segment.hi - segment.lo);
          continue;
        }
        const outcome = await this.storeSegment(batch, segment, control, ticker);
        // Stopping or revoked: leave the offsets uncommitted; the next owner re-reads the batch.
        if (!outcome) return;
        accepted += outcome.accepted;
        rejectedCodes.push(...outcome.rejected.map((r) => r.reasons.map((x) => x.code)));
      }
    } finally {
      ticker.stop();
    }
    await control.heartbeat();
    const next = (BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n).toString();
    await control.commit(next);
    this.landed.committed(partition, next);
    this.nextOffsets.set(partition, next);
    this.deps.onBacklog?.(partition, Number(BigInt(batch.highWatermark) - BigInt(next)));
    this.metrics.recordBatch(accepted, rejectedCodes, (Date.now() - started) / 1000);
  }

  /** Stores the messages [lo, hi) of a batch and sends their rejections to the dead-letter topic; undefined when abandoned. */
  private async storeSegment(batch: BusBatch, segment: { lo: number; hi: number }, control: BatchControl, ticker: HeartbeatTicker): Promise<EncodedBatch | undefined> {
    const slice = batch.messages.slice(segment.lo, segment.hi);
    const messages: RawMessage[] = slice.map((m: BusMessage) => ({ value: m.value, source: `${batch.topic}:${batch.partition}:${m.offset}`, ...refusedBy(m) }));
    const part = { topic: batch.topic, partition: batch.partition, messages: slice };
    // One receipt time for the segment, through every retry and split: the same messages
    // normalise to the same rows, which is what makes the per-range tokens safe.
    const receivedAt = Date.now();
    const written = await retryWhileRetriable(
      () =>
        storeSplitting(messages, this.deps, {
          receivedAt,
          tokenOf: (first, last) => rangeToken(part, first, last),
          keepAlive: () => control.heartbeat(),
          ...(this.options.log ? { log: this.options.log } : {}),
        }),
      {
        shouldGiveUp: () => !control.isRunning() || control.isStale() || ticker.rebalancing,
        keepAlive: () => control.heartbeat(),
        onRetry: (error, attempt, delay) => {
          this.metrics.recordRetry();
          this.options.log?.(`store write failed (attempt ${attempt + 1}), retrying in ${delay} ms: ${(error as Error).message}`);
        },
      },
      KAFKA_DEFAULTS.storeRetryBaseMs,
      KAFKA_DEFAULTS.storeRetryMaxMs,
    );
    if (!written.ok) return undefined;
    const outcome = written.value;
    if (outcome.rejected.length > 0) {
      await this.dlq!.send(
        this.options.dlqTopic,
        outcome.rejected.map((r) => {
          const original = slice[r.index]!;
          return {
            key: original.key?.toString('utf8') ?? null,
            value: original.value ?? '',
            headers: { 'hap-source': r.source, 'hap-reasons': JSON.stringify(r.reasons) },
          };
        }),
      );
    }
    // Whole now (rows and dead-letter copies): a redelivery of these offsets is skipped.
    this.landed.record(`${batch.topic}:${batch.partition}`, slice[0]!.offset, slice[slice.length - 1]!.offset);
    return outcome;
  }

  /** Graceful stop: the batch in hand finishes or is abandoned uncommitted, then connections close. */
  async stop(): Promise<void> {
    // kafkajs waits for a group rejoin to finish before it disconnects, which can take as long as
    // the broker's rebalance: the process must still be able to stop (uncommitted work is re-read).
    const stopped = await settlesWithin(this.consumer?.stop() ?? Promise.resolve(), KAFKA_DEFAULTS.stopTimeoutMs);
    if (!stopped) this.options.log?.(`the Kafka consumer did not stop within ${KAFKA_DEFAULTS.stopTimeoutMs / 1000} s; leaving it (its uncommitted batches are redelivered)`);
    await settlesWithin(this.dlq?.close() ?? Promise.resolve(), KAFKA_DEFAULTS.stopTimeoutMs);
  }
}
