// The Kafka ingest worker: at-least-once consumption, idempotent store writes, so results are
// exactly-once. A batch's offsets are committed only after the store has its rows (good and
// rejected); rejected messages also go to the dead-letter topic. Nothing blocks a partition:
// events the store refuses are isolated and set aside (split-store.ts), a store that is briefly
// down is waited for while this consumer still owns the partition, committing nothing.
import type { BatchControl, BusBatch, BusConsumer, BusMessage, BusProducer, EventBus } from '../kafka/bus.js';
import { KAFKA_DEFAULTS } from '../kafka/defaults.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { PipelineDeps, RawMessage } from './pipeline.js';
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

export class KafkaWorker {
  private consumer?: BusConsumer;
  private dlq?: BusProducer;

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
    const messages: RawMessage[] = batch.messages.map((m: BusMessage) => ({ value: m.value, source: `${batch.topic}:${batch.partition}:${m.offset}`, ...refusedBy(m) }));
    await control.heartbeat();
    // One receipt time for the batch, through every retry and split: the same messages
    // normalise to the same rows, which is what makes the per-range tokens safe.
    const receivedAt = Date.now();
    const written = await retryWhileRetriable(
      () =>
        storeSplitting(messages, this.deps, {
          receivedAt,
          tokenOf: (first, last) => rangeToken(batch, first, last),
          keepAlive: () => control.heartbeat(),
          ...(this.options.log ? { log: this.options.log } : {}),
        }),
      {
        shouldGiveUp: () => !control.isRunning() || control.isStale(),
        keepAlive: () => control.heartbeat(),
        onRetry: (error, attempt, delay) => {
          this.metrics.recordRetry();
          this.options.log?.(`store write failed (attempt ${attempt + 1}), retrying in ${delay} ms: ${(error as Error).message}`);
        },
      },
      KAFKA_DEFAULTS.storeRetryBaseMs,
      KAFKA_DEFAULTS.storeRetryMaxMs,
    );
    // Stopping or revoked: leave the offsets uncommitted; the next owner re-reads the batch.
    if (!written.ok) return;
    const outcome = written.value;
    if (outcome.rejected.length > 0) {
      await this.dlq!.send(
        this.options.dlqTopic,
        outcome.rejected.map((r) => {
          const original = batch.messages[r.index]!;
          return {
            key: original.key?.toString('utf8') ?? null,
            value: original.value ?? '',
            headers: { 'hap-source': r.source, 'hap-reasons': JSON.stringify(r.reasons) },
          };
        }),
      );
    }
    await control.heartbeat();
    const last = batch.messages[batch.messages.length - 1]!.offset;
    await control.commit((BigInt(last) + 1n).toString());
    this.metrics.recordBatch(outcome.accepted, outcome.rejected.map((r) => r.reasons.map((x) => x.code)), (Date.now() - started) / 1000);
  }

  /** Graceful stop: the batch in hand finishes or is abandoned uncommitted, then connections close. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.dlq?.close();
  }
}
