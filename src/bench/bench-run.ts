// One measured consumer run of the ingest benchmark, in its own process (its peak RSS is its
// own): `worker` is the real KafkaWorker (validation, normalisation, idempotent insert);
// `baseline` consumes the same messages and inserts them as raw JSON rows, nothing else.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { IngestMetrics } from '../ingest/ingest-metrics.js';
import { KafkaWorker } from '../ingest/kafka-worker.js';
import type { BusBatch, BatchControl } from '../kafka/bus.js';
import { kafkajsBus } from '../kafka/kafkajs-bus.js';
import { openRuntime } from '../runtime.js';
import { queryRows } from '../store/clickhouse.js';

export interface RunResult {
  mode: string;
  events: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  /** after the last row landed, how long the maintained state took to apply what was pending */
  stateCatchUpSeconds?: number;
  /** the peak RSS when the last row landed, before the state caught up */
  ingestPeakRssMb?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' }, topic: { type: 'string' }, brokers: { type: 'string' }, expect: { type: 'string' }, 'data-dir': { type: 'string' }, group: { type: 'string' },
      state: { type: 'string', default: 'on' },
    },
  });
  const mode = values.mode === 'baseline' ? 'baseline' : 'worker';
  const expected = Number(values.expect);
  const config = loadConfig({ ...process.env, HAP_DATA_DIR: values['data-dir'], HAP_CLICKHOUSE_DATABASE: `bench_${mode}`, HAP_PSEUDONYM_KEY: 'bench-key-0123456789abcdef0123456789', HAP_INSERT_BATCH_ROWS: '50000' });
  const runtime = await openRuntime(config);
  const client = runtime.store.client;
  // The worker keeps the maintained state as `hap serve` does: every batch's people are refreshed
  // while it consumes (the state's cost is part of the ingest figure).
  if (mode === 'worker' && values.state === 'on') await runtime.state?.start();
  await client.command({ query: 'CREATE TABLE IF NOT EXISTS raw_events (source String, value String) ENGINE = MergeTree ORDER BY source SETTINGS non_replicated_deduplication_window = 1000' });
  const bus = kafkajsBus({ brokers: [values.brokers!], clientId: `bench-${mode}` });
  const group = values.group ?? `${values.topic}.${mode}`;
  let bytes = 0;
  const started = Date.now();
  let stop: () => Promise<void>;
  const countSql = mode === 'worker' ? 'SELECT (SELECT count() FROM events) + (SELECT count() FROM rejections) AS n' : 'SELECT count() AS n FROM raw_events';
  if (mode === 'worker') {
    const worker = new KafkaWorker(runtime.pipeline, bus, { topic: values.topic!, dlqTopic: `${values.topic}.dlq`, group }, new IngestMetrics());
    const original = worker.handleBatch.bind(worker);
    worker.handleBatch = (batch: BusBatch, control: BatchControl) => {
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      return original(batch, control);
    };
    await worker.start();
    stop = () => worker.stop();
  } else {
    const consumer = await bus.consumer({ group, topic: values.topic!, fromBeginning: true });
    await consumer.run(async (batch, control) => {
      if (batch.messages.length === 0) return;
      const rows = batch.messages.map((m) => {
        bytes += m.value?.length ?? 0;
        return { source: `${batch.topic}:${batch.partition}:${m.offset}`, value: m.value?.toString('utf8') ?? '' };
      });
      await client.insert({ table: 'raw_events', values: rows, format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: `${batch.partition}:${rows[0]!.source}` } });
      await control.commit((BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n).toString());
    });
    stop = () => consumer.stop();
  }
  // Done when every message is queryable (events + rejections, or raw rows).
  for (;;) {
    const [row] = await queryRows<{ n: string }>(client, countSql);
    if (Number(row?.n ?? 0) >= expected) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  const ingestPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const stateStarted = Date.now();
  await runtime.state?.idle();
  const stateCatchUpSeconds = (Date.now() - stateStarted) / 1000;
  await stop();
  await runtime.close();
  const result: RunResult = { mode, events: expected, bytes, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), stateCatchUpSeconds, ingestPeakRssMb };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
