// Kafka mode wiring: the bus, topics, the in-process worker (embedded chDB binds one data
// directory per process, so `hap serve` consumes itself) and POST /v1/events → Kafka.
import type { AcceptEvents, IngestStatusOptions } from './accept-events.js';
import type { EventBus } from '../kafka/bus.js';
import { kafkajsBus } from '../kafka/kafkajs-bus.js';
import { ensureTopics } from '../kafka/topics.js';
import type { Runtime } from '../runtime.js';
import { IngestMetrics } from './ingest-metrics.js';
import { publishEvents } from './kafka-publisher.js';
import { KafkaWorker } from './kafka-worker.js';

export interface KafkaMode {
  bus: EventBus;
  worker?: KafkaWorker;
  acceptEvents: AcceptEvents;
  kafkaReady: () => Promise<boolean>;
  ingest: IngestStatusOptions;
  stop(): Promise<void>;
}

/** The bus of the configured brokers: needs the configuration only (`hap produce` opens no store). */
export function busFor(owner: Pick<Runtime, 'config'>): EventBus {
  const kafka = owner.config.kafka;
  if (!kafka) throw new Error('Kafka mode needs HAP_KAFKA_BROKERS');
  return kafkajsBus({ brokers: kafka.brokers, ssl: kafka.ssl, ...(kafka.sasl ? { sasl: kafka.sasl } : {}) });
}

export async function startKafkaMode(runtime: Runtime, options: { consume: boolean; log?: (m: string) => void }): Promise<KafkaMode> {
  const kafka = runtime.config.kafka;
  if (!kafka) throw new Error('Kafka mode needs HAP_KAFKA_BROKERS');
  const bus = busFor(runtime);
  await ensureTopics(bus, kafka.topic, kafka.dlqTopic, kafka.partitions);
  const metrics = new IngestMetrics();
  const producer = await bus.producer();
  let worker: KafkaWorker | undefined;
  if (options.consume) {
    worker = new KafkaWorker(runtime.pipeline, bus, { topic: kafka.topic, dlqTopic: kafka.dlqTopic, group: kafka.group, ...(options.log ? { log: options.log } : {}) }, metrics);
    try {
      await worker.start();
    } catch (error) {
      await worker.stop().catch(() => {});
      await producer.close().catch(() => {});
      throw error;
    }
  }
  return {
    bus,
    ...(worker ? { worker } : {}),
    acceptEvents: async (events) => {
      const outcome = await publishEvents(events, producer, kafka.topic, runtime.pipeline);
      // The worker finds conflicting copies when it stores them (the worklist lists them).
      return { accepted: outcome.accepted, rejected: outcome.rejected, conflicts: [] };
    },
    kafkaReady: () => bus.ping(),
    ingest: { metrics, kafka: { bus, topic: kafka.topic, group: kafka.group } },
    async stop() {
      await worker?.stop();
      await producer.close();
    },
  };
}
