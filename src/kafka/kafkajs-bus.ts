// EventBus over kafkajs 2.x. Known kafkajs limits handled here: sendBatch grouping is quadratic
// in batch size (we send in chunks), only gzip is built in (we send uncompressed), and long
// handlers must heartbeat (the worker calls heartbeat between slow steps).
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import type { BusAdmin, BusConsumer, BusProducer, EventBus, OutgoingMessage, PartitionLag } from './bus.js';
import { KAFKA_DEFAULTS } from './defaults.js';
import { kafkajsLogCreator } from './kafkajs-log.js';

export interface KafkaConnection {
  brokers: readonly string[];
  clientId?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  ssl?: boolean;
}

function headersOf(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = String(Array.isArray(v) ? v[0] : v);
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toKafkaMessage(m: OutgoingMessage) {
  return { key: m.key, value: m.value, ...(m.headers ? { headers: m.headers } : {}) };
}

class KafkajsProducer implements BusProducer {
  constructor(private readonly producer: Producer) {}

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const chunk of chunks(messages, KAFKA_DEFAULTS.produceChunk)) {
      await this.producer.send({ topic, acks: -1, messages: chunk.map(toKafkaMessage) });
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

class KafkajsConsumer implements BusConsumer {
  readonly crashed: Promise<Error>;

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
  ) {
    this.crashed = new Promise((resolve) => {
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) resolve(event.payload.error);
      });
    });
  }

  async run(onBatch: Parameters<BusConsumer['run']>[0]): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: KAFKA_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        await onBatch(
          {
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            messages: batch.messages.map((m) => ({ key: m.key, value: m.value, offset: m.offset, headers: headersOf(m.headers) })),
          },
          {
            heartbeat,
            isRunning,
            isStale,
            commit: async (nextOffset) => {
              // Resolving moves kafkajs's fetch position; committing makes it durable for the group.
              resolveOffset((BigInt(nextOffset) - 1n).toString());
              await this.consumer.commitOffsets([{ topic: this.topic, partition: batch.partition, offset: nextOffset }]);
            },
          },
        );
      },
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** How long a topic just created may take to have a leader for each partition. */
const TOPIC_LEADERS_TIMEOUT_MS = 60_000;

class KafkajsAdmin implements BusAdmin {
  constructor(private readonly admin: ReturnType<Kafka['admin']>) {}

  async ensureTopic(topic: string, partitions: number, config: Record<string, string> = {}): Promise<boolean> {
    // Asking the broker to create a topic that exists makes kafkajs log an ERROR line for an
    // everyday start (`hap produce` beside `hap serve`): look first.
    if ((await this.admin.listTopics()).includes(topic)) return false;
    // kafkajs's own waitForLeaders asks for the new topic by name, and a KRaft broker that has not
    // yet learnt of it from the controller answers UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does
    // not retry: on a just-started broker `hap serve` failed to start. We wait ourselves instead.
    const created = await this.admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
    });
    await this.untilLed(topic, partitions);
    return created;
  }

  /**
   * Waits until the broker lists the topic with a leader for each partition. It reads the metadata
   * of all topics, where a topic not known yet is simply absent (asking for it by name is an error
   * the client logs); a partition still without a leader answers LEADER_NOT_AVAILABLE, which kafkajs
   * retries and our log lowers to debug.
   */
  private async untilLed(topic: string, partitions: number, timeoutMs = TOPIC_LEADERS_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { topics } = await this.admin.fetchTopicMetadata();
      const found = topics.find((t) => t.name === topic);
      if (found && found.partitions.length >= partitions && found.partitions.every((p) => p.leader >= 0)) return;
      if (Date.now() > deadline) throw new Error(`topic ${topic} was created but has no leader for each of its ${partitions} partition(s) after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async lag(topic: string, group: string): Promise<PartitionLag[]> {
    const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends.map((e) => {
      const c = done.get(e.partition) ?? '-1';
      const start = BigInt(c) < 0n ? BigInt(e.low) : BigInt(c);
      return { partition: e.partition, committed: c, high: e.high, lag: Number(BigInt(e.high) - start) };
    });
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}

export function kafkajsBus(connection: KafkaConnection): EventBus {
  const kafka = new Kafka({
    clientId: connection.clientId ?? 'hap',
    brokers: [...connection.brokers],
    // Errors only: a consumer stuck on a batch must be visible in the logs. The answers kafkajs
    // retries by itself while a group forms are not errors for us (kafkajs-log.ts). kafkajs
    // filters by this level before our creator sees an entry, so it stays at ERROR.
    logLevel: logLevel.ERROR,
    logCreator: kafkajsLogCreator(logLevel.ERROR),
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    ...(connection.ssl ? { ssl: true } : {}),
    ...(connection.sasl ? { sasl: connection.sasl as never } : {}),
  });
  return {
    async producer() {
      const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, idempotent: true });
      await producer.connect();
      return new KafkajsProducer(producer);
    },
    async consumer({ group, topic, fromBeginning }) {
      const consumer = kafka.consumer({
        groupId: group,
        sessionTimeout: KAFKA_DEFAULTS.sessionTimeoutMs,
        heartbeatInterval: KAFKA_DEFAULTS.heartbeatIntervalMs,
        maxBytesPerPartition: KAFKA_DEFAULTS.maxBytesPerPartition,
        maxBytes: KAFKA_DEFAULTS.maxBytes,
        maxWaitTimeInMs: KAFKA_DEFAULTS.maxWaitTimeMs,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning });
      return new KafkajsConsumer(consumer, topic);
    },
    async admin() {
      const admin = kafka.admin();
      await admin.connect();
      return new KafkajsAdmin(admin);
    },
    async ping() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return true;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
  };
}
