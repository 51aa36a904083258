// The project's own small interface to Kafka. kafkajs is in maintenance mode; everything else
// in the code talks to this, so a swap (e.g. to @platformatic/kafka) stays one module.

export interface BusMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** decimal string: Kafka offsets are 64-bit */
  offset: string;
  headers?: Record<string, string>;
}

export interface BusBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
  /** the partition's high watermark when the batch was fetched (for lag) */
  highWatermark: string;
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  /** false once the consumer is stopping: abandon the batch without committing */
  isRunning(): boolean;
  /** true when a rebalance took the partition away: abandon the batch without committing */
  isStale(): boolean;
  /** Commits `nextOffset` (the offset after the last message now in the store). */
  commit(nextOffset: string): Promise<void>;
}

export interface BusConsumer {
  run(onBatch: (batch: BusBatch, control: BatchControl) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the consumer has crashed for good (kafkajs gave up restarting it). */
  crashed: Promise<Error>;
}

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface BusProducer {
  /** Resolves once every message is acknowledged by the broker (acks = all). */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface PartitionLag {
  partition: number;
  committed: string;
  high: string;
  lag: number;
}

export interface BusAdmin {
  ensureTopic(topic: string, partitions: number, config?: Record<string, string>): Promise<boolean>;
  lag(topic: string, group: string): Promise<PartitionLag[]>;
  close(): Promise<void>;
}

export interface EventBus {
  producer(): Promise<BusProducer>;
  consumer(options: { group: string; topic: string; fromBeginning: boolean }): Promise<BusConsumer>;
  admin(): Promise<BusAdmin>;
  ping(): Promise<boolean>;
}
