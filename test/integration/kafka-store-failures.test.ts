// What the store does wrong, against the real broker and the real engine (no mock of either):
// an event it refuses in the middle of a large batch is isolated and set aside alone; an outage
// is waited out with nothing committed, nothing lost and nothing doubled; a batch too large for
// its memory is split and lands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { KafkaWorker } from '../../src/ingest/kafka-worker.js';
import type { BusProducer, EventBus } from '../../src/kafka/bus.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import type { Runtime } from '../../src/runtime.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf, testBus, uniqueTopic, waitFor } from './kafka-helpers.js';

let bus: EventBus;
let producer: BusProducer;

beforeAll(async () => {
  bus = testBus();
  producer = await bus.producer();
});

afterAll(async () => {
  await producer?.close();
});

async function produce(topic: string, events: readonly Record<string, unknown>[]): Promise<void> {
  await producer.send(topic, events.map((e) => ({ key: 'k', value: JSON.stringify(e) })));
}

function startWorker(runtime: Runtime, topic: string, log: string[]): Promise<KafkaWorker> {
  const worker = new KafkaWorker(runtime.pipeline, bus, { topic, dlqTopic: `${topic}.dlq`, group: `${topic}.group`, log: (m) => log.push(m) }, new IngestMetrics());
  return worker.start().then(() => worker);
}

async function committedLag(topic: string): Promise<number> {
  const admin = await bus.admin();
  try {
    return (await admin.lag(topic, `${topic}.group`)).reduce((s, p) => s + p.lag, 0);
  } finally {
    await admin.close();
  }
}

/**
 * Physical rows (no FINAL): a batch stored twice shows here even where FINAL hides it. Each test
 * stops merges on its table, which would otherwise collapse the copies before they are counted.
 */
const physicalRows = (runtime: Runtime) => countOf(runtime.store.client, 'SELECT count() AS n FROM events');

async function readDlq(topic: string, count: number): Promise<{ headers: Record<string, string> }[]> {
  const consumer = await bus.consumer({ group: `${topic}.reader`, topic, fromBeginning: true });
  const out: { headers: Record<string, string> }[] = [];
  await consumer.run(async (batch, control) => {
    for (const m of batch.messages) out.push({ headers: m.headers ?? {} });
    await control.commit((BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n).toString());
  });
  await waitFor(async () => out.length >= count, 30_000, `${count} messages on ${topic}`);
  // Anything more would have arrived with the first fetch; give a late one a moment to show.
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.stop();
  return out;
}

describe('store failures under the Kafka worker', () => {
  it('isolates an event the store refuses in the middle of 10,000 and lands the other 9,999', async () => {
    const runtime = await openTestRuntime('it_store_refuses');
    const topic = uniqueTopic('refused');
    await ensureTopics(bus, topic, `${topic}.dlq`, 1);
    const events = bulkEvents(1429, 'refuse').slice(0, 10_000);
    // Valid by the contract, refused by the engine: a real CHECK constraint on the table.
    events[5000] = { ...events[5000], event_id: 'poison-5000' };
    await runtime.store.client.command({ query: 'SYSTEM STOP MERGES events' });
    await runtime.store.client.command({ query: "ALTER TABLE events ADD CONSTRAINT refuse_poison CHECK event_id != 'poison-5000'" });
    const log: string[] = [];
    let worker: KafkaWorker | undefined;
    try {
      await produce(topic, events);
      worker = await startWorker(runtime, topic, log);
      await waitFor(async () => (await committedLag(topic)) === 0, 120_000, 'every offset committed');
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')).toBe(9_999);
      expect(await physicalRows(runtime)).toBe(9_999);
      const rejected = await queryRows<{ source: string; institution_code: string; event_id: string; codes: string[] }>(
        runtime.store.client,
        'SELECT source, institution_code, event_id, reasons.code AS codes FROM rejections FINAL',
      );
      expect(rejected).toEqual([{ source: `${topic}:0:5000`, institution_code: 'H500104001', event_id: 'poison-5000', codes: ['store_refused'] }]);
      const dlq = await readDlq(`${topic}.dlq`, 1);
      expect(dlq.map((m) => m.headers['hap-source'])).toEqual([`${topic}:0:5000`]);
      // Bisection: about log2(10,000) refused inserts, not one per event.
      const refusals = log.filter((l) => l.includes('store refused'));
      console.log(`poison isolated after ${refusals.length} refused inserts`);
      expect(refusals.length).toBeGreaterThan(1);
      expect(refusals.length).toBeLessThan(40);
    } finally {
      await worker?.stop();
      await runtime.store.client.command({ query: 'ALTER TABLE events DROP CONSTRAINT IF EXISTS refuse_poison' });
      await runtime.store.client.command({ query: 'SYSTEM START MERGES events' });
      await runtime.close();
    }
  });

  it('waits out a store outage of 30 s committing nothing, then lands every event exactly once', { timeout: 180_000 }, async () => {
    const runtime = await openTestRuntime('it_store_outage');
    const topic = uniqueTopic('outage');
    await ensureTopics(bus, topic, `${topic}.dlq`, 2);
    const events = bulkEvents(1000, 'outage');
    const log: string[] = [];
    await runtime.store.client.command({ query: 'SYSTEM STOP MERGES events' });
    const worker = await startWorker(runtime, topic, log);
    try {
      await produce(topic, events.slice(0, 2000));
      await waitFor(async () => (await committedLag(topic)) === 0, 60_000, 'the first events');
      const before = await physicalRows(runtime);
      expect(before).toBe(2000);
      // A real refusal the engine calls retriable: TOO_MANY_PARTS (252) on any insert while the
      // table has a part, as a store that cannot keep up answers.
      await runtime.store.client.command({ query: 'ALTER TABLE events MODIFY SETTING parts_to_throw_insert = 1' });
      const outageStarted = Date.now();
      await produce(topic, events.slice(2000));
      await new Promise((r) => setTimeout(r, 30_000));
      expect(await physicalRows(runtime)).toBe(before);
      expect(await committedLag(topic)).toBe(events.length - 2000);
      expect(log.some((l) => l.includes('retrying'))).toBe(true);
      await runtime.store.client.command({ query: 'ALTER TABLE events RESET SETTING parts_to_throw_insert' });
      await waitFor(async () => (await committedLag(topic)) === 0, 90_000, 'the rest after the outage');
      console.log(`outage of 30 s: everything committed ${((Date.now() - outageStarted) / 1000).toFixed(1)} s after it began`);
      expect(await physicalRows(runtime)).toBe(events.length);
      expect(await countOf(runtime.store.client, 'SELECT uniqExact(institution_code, event_id) AS n FROM events')).toBe(events.length);
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM rejections')).toBe(0);
    } finally {
      await worker.stop();
      await runtime.store.client.command({ query: 'ALTER TABLE events RESET SETTING parts_to_throw_insert' });
      await runtime.store.client.command({ query: 'SYSTEM START MERGES events' });
      await runtime.close();
    }
  });

  it('does not store again a batch whose commit was lost, redelivered with other boundaries', async () => {
    const runtime = await openTestRuntime('it_commit_lost');
    const topic = uniqueTopic('commitlost');
    await ensureTopics(bus, topic, `${topic}.dlq`, 1);
    const events = bulkEvents(100, 'lost');
    await runtime.store.client.command({ query: 'SYSTEM STOP MERGES events' });
    await produce(topic, events.slice(0, 300));
    // The first commit is lost, as when the group has moved on (a member dropped for a slow
    // batch). Before it fails, more events arrive: the redelivery starts at the same offset
    // and ends later, so its insert token differs from the first insert's.
    let lost = 0;
    const losingBus: EventBus = {
      ...bus,
      consumer: async (options) => {
        const consumer = await bus.consumer(options);
        return {
          crashed: consumer.crashed,
          stop: () => consumer.stop(),
          run: (onBatch) =>
            consumer.run((batch, control) =>
              onBatch(batch, {
                ...control,
                commit: async (next) => {
                  if (lost++ === 0) {
                    await produce(topic, events.slice(300));
                    throw new Error('commit lost (injected): the coordinator is not aware of this member');
                  }
                  await control.commit(next);
                },
              }),
            ),
        };
      },
    };
    const metrics = new IngestMetrics();
    const worker = new KafkaWorker(runtime.pipeline, losingBus, { topic, dlqTopic: `${topic}.dlq`, group: `${topic}.group` }, metrics);
    await worker.start();
    try {
      await waitFor(async () => (await committedLag(topic)) === 0 && lost > 1, 90_000, 'every offset committed after the lost commit');
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')).toBe(events.length);
      // Physical rows, merges stopped: the first 300 are not in the store twice.
      expect(await physicalRows(runtime)).toBe(events.length);
      const skipped = Number((await metrics.registry.getSingleMetricAsString('hap_kafka_redelivered_skipped_total')).match(/ (\d+)$/m)?.[1]);
      expect(skipped).toBeGreaterThan(0);
    } finally {
      await worker.stop();
      await runtime.store.client.command({ query: 'SYSTEM START MERGES events' });
      await runtime.close();
    }
  });

  it('splits a batch too large for the store\'s memory until it fits, and lands all of it', async () => {
    // 8 MiB per insert: 2,500 of these events fit, 5,000 do not (measured with chDB 26.x).
    const runtime = await openTestRuntime('it_store_memory', { HAP_CLICKHOUSE_MAX_MEMORY: String(8 * 1024 ** 2), HAP_INSERT_BATCH_ROWS: '20000' });
    const topic = uniqueTopic('memory');
    await ensureTopics(bus, topic, `${topic}.dlq`, 1);
    const events = bulkEvents(2858, 'memory').slice(0, 20_000);
    const log: string[] = [];
    await runtime.store.client.command({ query: 'SYSTEM STOP MERGES events' });
    let worker: KafkaWorker | undefined;
    try {
      await produce(topic, events);
      worker = await startWorker(runtime, topic, log);
      await waitFor(async () => (await committedLag(topic)) === 0, 120_000, 'every offset committed');
      expect(log.some((l) => l.includes('too_large'))).toBe(true);
      expect(await physicalRows(runtime)).toBe(events.length);
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM rejections')).toBe(0);
    } finally {
      await worker?.stop();
      await runtime.store.client.command({ query: 'SYSTEM START MERGES events' });
      await runtime.close();
    }
  });
});
