// Failures a worker must survive against the real broker: kill -9 mid-stream and a restart
// give the same numbers; a broker restart while consuming is recovered from by itself.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestMetrics } from '../../src/ingest/ingest-metrics.js';
import { publishEvents } from '../../src/ingest/kafka-publisher.js';
import { KafkaWorker } from '../../src/ingest/kafka-worker.js';
import { kafkajsBus } from '../../src/kafka/kafkajs-bus.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf, testBrokers, testBus, uniqueTopic, waitFor } from './kafka-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HAP = join(ROOT, 'bin/hap.js');
const KAFKA_SCRIPT = join(ROOT, 'scripts/kafka.mjs');
const parsed = (values: unknown[], prefix: string) => values.map((value, i) => ({ kind: 'parsed' as const, value, source: `${prefix}:${i}` }));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `hap serve` in Kafka mode as a child process; resolves with its base URL once it listens. */
function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [HAP, 'serve', '--port', '0'], { env: { ...process.env, ...env, HAP_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  // Listen for the exit from the start: a killed child may be gone before anyone awaits it.
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serving on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => reject(new Error(`hap serve exited with ${code}: ${out}`)));
  });
}

async function json(url: string) {
  const res = await fetch(url);
  return res.json() as Promise<Record<string, unknown> & { total: { numerator: number; denominator: number } }>;
}

describe('worker failures', () => {
  it('gives the same numbers after kill -9 mid-stream and a restart', { timeout: 240_000 }, async () => {
    expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'dist/ is built by `npm install` (prepare) and `npm test` (pretest)').toBe(true);
    const topic = uniqueTopic('kill');
    const bus = testBus();
    await ensureTopics(bus, topic, `${topic}.dlq`, 3);
    const producer = await bus.producer();
    const runtime = await openTestRuntime('it_kill_keys');
    const persons = 3000;
    const events = bulkEvents(persons, 'kill');
    const env = {
      HAP_DATA_DIR: mkdtempSync(join(tmpdir(), 'hap-kill-')),
      HAP_PSEUDONYM_KEY: 'integration-test-key-0123456789abcdef',
      HAP_KAFKA_BROKERS: testBrokers(),
      HAP_KAFKA_TOPIC: topic,
      HAP_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      HAP_KAFKA_GROUP: `${topic}.group`,
      HAP_INSERT_BATCH_ROWS: '500',
    };
    try {
      const third = Math.floor(events.length / 3);
      await publishEvents(parsed(events.slice(0, third), 'k'), producer, topic, runtime.pipeline);
      const first = await startServe(env);
      await waitFor(async () => ((await json(`${first.url}/v1/ingest/status`)).accepted as number) > 0, 60_000, 'the first worker to store something');
      const producing = publishEvents(parsed(events.slice(third, 2 * third), 'k'), producer, topic, runtime.pipeline);
      first.child.kill('SIGKILL');
      await producing;
      await first.exited;
      await publishEvents(parsed(events.slice(2 * third), 'k'), producer, topic, runtime.pipeline);

      const second = await startServe(env);
      await waitFor(async () => (await json(`${second.url}/v1/ingest/status`)).total_lag === 0, 180_000, 'the restarted worker to catch up');
      const coverage = await json(`${second.url}/v1/indicators/hypertension_standard_management?year=2025`);
      // Each bulk person has 4 follow-ups in 2025; every third made the last one by phone.
      const standard = Array.from({ length: persons }, (_, p) => p).filter((p) => p % 3 !== 0).length;
      expect([coverage.total.numerator, coverage.total.denominator]).toEqual([standard, persons]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await producer.close();
      await runtime.close();
    }
  });

  it('recovers by itself when the broker restarts while consuming', async () => {
    // A broker of its own: restarting the shared one would disturb the other test files.
    const args = ['--port', '19192', '--controller-port', '19193', '--home', join(ROOT, '.kafka/test-restart')];
    const broker = execFileSync(process.execPath, [KAFKA_SCRIPT, 'start', ...args], { encoding: 'utf8' }).trim().split('\n').pop()!;
    const bus = kafkajsBus({ brokers: [broker], clientId: 'hap-restart-test' });
    const runtime = await openTestRuntime('it_broker_restart');
    const topic = uniqueTopic('restart');
    const events = bulkEvents(1500, 'restart');
    let worker: KafkaWorker | undefined;
    try {
      await ensureTopics(bus, topic, `${topic}.dlq`, 2);
      const producer = await bus.producer();
      await publishEvents(parsed(events.slice(0, 4500), 'r'), producer, topic, runtime.pipeline);
      await producer.close();
      worker = new KafkaWorker(runtime.pipeline, bus, { topic, dlqTopic: `${topic}.dlq`, group: `${topic}.group` }, new IngestMetrics());
      await worker.start();
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) > 0, 60_000, 'consumption to begin');
      execFileSync(process.execPath, [KAFKA_SCRIPT, 'stop', ...args], { stdio: 'ignore' });
      execFileSync(process.execPath, [KAFKA_SCRIPT, 'start', ...args], { stdio: 'ignore' });
      const again = await bus.producer();
      await publishEvents(parsed(events.slice(4500), 'r'), again, topic, runtime.pipeline);
      await again.close();
      await waitFor(async () => (await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')) === events.length, 120_000, 'every event after the restart');
    } finally {
      await worker?.stop().catch(() => {});
      await runtime.close();
      execFileSync(process.execPath, [KAFKA_SCRIPT, 'stop', ...args], { stdio: 'ignore' });
    }
  });
});
