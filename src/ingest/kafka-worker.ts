// The Kafka ingest worker: at-least-once consumption, idempotent store writes, so results are
// exactly-once. A batch's offsets are committed only after the store has its rows (good and
// rejected); rejected messages also go to the dead-letter topic. Nothing blocks a partition.
import type { BatchControl, BusBatch, BusConsumer, BusMessage, BusProducer, EventBus } from '../kafka/bus.js';
import { KAFKA_DEFAULTS } from '../kafka/defaults.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { type EncodedBatch, inlineNormaliser, type PipelineDeps, type RawMessage, storeBatch } from './pipeline.js';
import { isRetriableStoreError, retryWhileRetriable } from './retry.js';
import { redactEvent, unparsableSummary } from '../transform/redact.js';
import { receivedFromMessage } from './event-text.js';

export interface KafkaWorkerOptions {
  topic: string;
  dlqTopic: string;
  group: string;
  log?: (message: string) => void;
}

/** The insert deduplication token of a batch: a retry of the same offsets is a no-op at the store. */
export function batchToken(batch: Pick<BusBatch, 'topic' | 'partition' | 'messages'>): string {
  return `${batch.topic}:${batch.partition}:${batch.messages[0]!.offset}-${batch.messages[batch.messages.length - 1]!.offset}`;
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
    const messages: RawMessage[] = batch.messages.map((m: BusMessage) => ({ value: m.value, source: `${batch.topic}:${batch.partition}:${m.offset}` }));
    await control.heartbeat();
    const written = await retryWhileRetriable(
      () => this.ingestOrSetAside(messages, batch),
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

  /**
   * Stores the batch; if the store refuses it for good (an error no retry can fix, say a value
   * the engine cannot parse), every message of the batch is stored as a rejected event with the
   * reason and goes to the dead-letter topic, so the partition moves on and nothing is lost.
   */
  private async ingestOrSetAside(messages: RawMessage[], batch: BusBatch): Promise<EncodedBatch> {
    try {
      const normaliser = this.deps.normaliser ?? inlineNormaliser(this.deps);
      const encoded = await normaliser.fromMessages(messages, Date.now());
      await storeBatch(encoded, this.deps, batchToken(batch));
      return encoded;
    } catch (error) {
      if (isRetriableStoreError(error)) throw error;
      const code = String((error as { code?: unknown }).code ?? (error as Error).name);
      this.options.log?.(`store refused batch ${batchToken(batch)} (${code}); setting its ${messages.length} messages aside as rejections`);
      const receivedAt = Date.now();
      const setAside: EncodedBatch = {
        chunks: [],
        accepted: 0,
        touched: [],
        identities: '',
        receivedAt,
        rejected: messages.map(receivedFromMessage).map((e, index) => ({
          index,
          received_at: receivedAt,
          source: e.source,
          institution_code: '',
          event_id: '',
          type: '',
          reasons: [{ path: '(batch)', code: 'store_refused', message: `the store refused the batch (${code}); re-submit once fixed` }],
          raw_masked: e.kind === 'parsed' ? redactEvent(e.value) : e.kind === 'refused' ? e.raw_masked : unparsableSummary(e.text),
        })),
      };
      await storeBatch(setAside, this.deps, `${batchToken(batch)}:aside`);
      return setAside;
    }
  }

  /** Graceful stop: the batch in hand finishes or is abandoned uncommitted, then connections close. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.dlq?.close();
  }
}
