// POST /v1/events in Kafka mode: 202 once Kafka acknowledged; the in-process worker lands the
// events; /v1/ingest/status and /metrics report lag, throughput and rejections by reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { type KafkaMode, startKafkaMode } from '../../src/ingest/kafka-mode.js';
import type { Runtime } from '../../src/runtime.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf, testBrokers, uniqueTopic, waitFor } from './kafka-helpers.js';

let runtime: Runtime;
let kafka: KafkaMode;

beforeAll(async () => {
  const topic = uniqueTopic('http');
  runtime = await openTestRuntime('it_kafka_http', {
    HAP_KAFKA_BROKERS: testBrokers(),
    HAP_KAFKA_TOPIC: topic,
    HAP_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    HAP_KAFKA_GROUP: `${topic}.group`,
  });
  kafka = await startKafkaMode(runtime, { consume: true });
});

afterAll(async () => {
  await kafka?.stop();
  await runtime?.close();
});

describe('Kafka mode over HTTP', () => {
  it('accepts through Kafka, lands through the worker, and reports status and metrics', async () => {
    const app = await buildApp(runtime, { acceptEvents: kafka.acceptEvents, kafkaReady: kafka.kafkaReady, ingest: kafka.ingest });
    const events = bulkEvents(50, 'http');
    const bad = { ...events[0], event_id: 'http-bad', person: { id_number: '36042619910102009X' } };
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: [...events, bad] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: events.length, rejected: [{ index: events.length, event_id: 'http-bad' }] });
    await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) === events.length, 60_000, 'the worker to land the events');
    await waitFor(async () => (await app.inject({ method: 'GET', url: '/v1/ingest/status' })).json().total_lag === 0, 30_000, 'lag 0');
    const status = (await app.inject({ method: 'GET', url: '/v1/ingest/status' })).json();
    expect(status).toMatchObject({ mode: 'kafka', accepted: events.length, rejected: 1, rejected_by_reason: { id_check_character: 1 } });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`hap_events_accepted_total ${events.length}`);
    expect(metrics).toContain('hap_events_rejected_total{reason="id_check_character"} 1');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', store: true, kafka: true });
    await app.close();
  });
});
