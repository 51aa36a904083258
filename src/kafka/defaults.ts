// Kafka tuning in one place. Large per-partition fetches make large ClickHouse inserts (the
// documented sweet spot is 10k–100k rows per insert), at the cost of memory per batch.
export const KAFKA_DEFAULTS = {
  partitions: 3,
  /** messages per produce request: kafkajs groups a batch in quadratic time */
  produceChunk: 2_000,
  // A killed worker holds its partitions until the session times out: keep this short.
  sessionTimeoutMs: 15_000,
  heartbeatIntervalMs: 3_000,
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
  maxWaitTimeMs: 500,
  /** batches of different partitions in flight at once: one inserts (natively) while another is validated */
  partitionsConsumedConcurrently: 3,
  /** retries of a store write inside one batch before the batch is abandoned (not committed) */
  storeRetryBaseMs: 250,
  storeRetryMaxMs: 30_000,
  /** how long a stop waits for the consumer to leave its group (a rejoin can hang it) */
  stopTimeoutMs: 30_000,
  topicConfig: { 'retention.ms': String(14 * 24 * 3600 * 1000), 'max.message.bytes': String(4 * 1024 * 1024) },
  // The dead-letter topic must take any message the event topic took.
  dlqConfig: { 'retention.ms': String(90 * 24 * 3600 * 1000), 'max.message.bytes': String(4 * 1024 * 1024) },
} as const;
