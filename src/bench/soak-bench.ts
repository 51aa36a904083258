// `npm run bench:soak`: Kafka ingest at a steady rate for a long while (20 minutes by default)
// with reads in parallel, as a district runs it: the worker and the API in one process on the
// embedded store, the maintained state kept. Every few seconds it samples the lag (messages
// produced and not yet in the store, in seconds of production) and the RSS; at the end it waits for
// the worker to drain and counts what was stored against what was produced: every message must be
// exactly one stored row, an event or a rejection. Merges run as in production (stopped, parts
// pile up and slow the inserts); what the store received is counted by materialized views into a
// plain MergeTree (soak_arrivals), which no merge folds: a physical copy stays visible there, an
// insert the store deduplicated by its token does not. Results go to .bench/ (untracked);
// the last line is `soak: <events> events, lag max <s> s, rss start <MB> end <MB>, lost <n>, duplicated <n>`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../api/app.js';
import { loadConfig } from '../config/config.js';
import { IngestMetrics } from '../ingest/ingest-metrics.js';
import { KafkaWorker } from '../ingest/kafka-worker.js';
import { messagesFor } from '../ingest/kafka-publisher.js';
import { kafkajsBus } from '../kafka/kafkajs-bus.js';
import { ensureTopics } from '../kafka/topics.js';
import { openRuntime } from '../runtime.js';
import { queryRows } from '../store/clickhouse.js';
import { generateDistrict } from '../synthetic/generate-district.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KAFKA = join(ROOT, 'scripts/kafka.mjs');
const BROKER_ARGS = ['--port', '19492', '--controller-port', '19493', '--home', join(ROOT, '.kafka/soak')];
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const benchStart = Date.now();
const phase = (what: string) => process.stderr.write(`\n[${Math.round((Date.now() - benchStart) / 1000)} s] ${what}\n`);

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Awaits a closing step for a minute at most, saying which one hung. */
async function within(what: string, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 60_000);
  });
  const outcome = await Promise.race([work.then(() => 'done' as const), late]);
  clearTimeout(timer);
  phase(outcome === 'late' ? `${what}: not done after 60 s, going on` : `${what}: done`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '20' }, rate: { type: 'string', default: '400' }, scale: { type: 'string', default: '0.4' } } });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const brokers = execFileSync(process.execPath, [KAFKA, 'start', ...BROKER_ARGS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const dataDir = mkdtempSync(join(tmpdir(), 'hap-soak-'));
  try {
    const config = loadConfig({ ...process.env, HAP_DATA_DIR: dataDir, HAP_PSEUDONYM_KEY: 'soak-key-0123456789abcdef0123456789', HAP_AUTH: 'off', HAP_RATE_LIMIT_PER_MINUTE: '1000000' });
    const runtime = await openRuntime(config);
    const client = runtime.store.client;
    // Every row the store took, by message (source = topic:partition:offset); the worker's inserts
    // carry deduplicate_blocks_in_dependent_materialized_views, so a deduplicated retry adds nothing.
    await client.command({ query: 'CREATE TABLE soak_arrivals (source String, n UInt32) ENGINE = MergeTree ORDER BY source SETTINGS non_replicated_deduplication_window = 1000' });
    await client.command({ query: 'CREATE MATERIALIZED VIEW soak_events_arrivals TO soak_arrivals AS SELECT source, toUInt32(1) AS n FROM events' });
    await client.command({ query: 'CREATE MATERIALIZED VIEW soak_rejections_arrivals TO soak_arrivals AS SELECT source, copies AS n FROM rejections' });
    await runtime.state?.start();
    const bus = kafkajsBus({ brokers: [brokers], clientId: 'soak' });
    const topic = `soak.${Date.now()}`;
    await ensureTopics(bus, topic, `${topic}.dlq`, 3);
    const worker = new KafkaWorker(runtime.pipeline, bus, { topic, dlqTopic: `${topic}.dlq`, group: `${topic}.g` }, new IngestMetrics());
    await worker.start();
    const app = await buildApp(runtime);
    const producer = await bus.producer();
    const district = generateDistrict({ county: '500104', reference: runtime.reference, seed: 20261128, scale: Number(values.scale), firstYear: 2024, until: '2026-11-25' });
    const events = district.events()[Symbol.iterator]();

    const rssStart = mb();
    let produced = 0;
    let lagMax = 0;
    let reads = 0;
    let readFailures = 0;
    const readTimes: number[] = [];
    // Identical rejected copies of a batch are one row (copies > 1) under the first one's source.
    const arrivals = async () => {
      const [row] = await queryRows<{ messages: string; rows: string }>(
        client,
        'SELECT sum(m) AS messages, sum(total) AS rows FROM (SELECT source, max(n) AS m, sum(n) AS total FROM soak_arrivals GROUP BY source)',
      );
      return { messages: Number(row?.messages ?? 0), rows: Number(row?.rows ?? 0) };
    };
    const stored = async () => (await arrivals()).messages;
    const started = Date.now();
    const end = started + minutes * 60_000;
    // Reads in parallel: an indicator by street, the worklist's first page, completeness.
    const readLoop = (async () => {
      const urls = ['/v1/indicators/archive_coverage?by=street', '/v1/quality/issues?page_size=50', '/v1/quality/completeness?by=street'];
      while (Date.now() < end) {
        const readStart = performance.now();
        const res = await app.inject({ url: urls[reads % urls.length]! });
        readTimes.push(performance.now() - readStart);
        reads++;
        if (res.statusCode !== 200) readFailures++;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    let nextSample = Date.now() + 5_000;
    while (Date.now() < end) {
      const tickStart = Date.now();
      const batch: unknown[] = [];
      for (let i = 0; i < rate; i++) {
        const next = events.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length === 0) break;
      await producer.send(topic, messagesFor(batch.map((value, i) => ({ kind: 'parsed' as const, value, source: `soak:${produced + i}` })), runtime.pipeline).messages);
      produced += batch.length;
      if (Date.now() >= nextSample) {
        const lagSeconds = (produced - (await stored())) / rate;
        lagMax = Math.max(lagMax, lagSeconds);
        process.stderr.write(`\r${Math.round((Date.now() - started) / 1000)} s: produced ${produced.toLocaleString('en')}, lag ${lagSeconds.toFixed(1)} s, rss ${mb()} MB, reads ${reads}   `);
        nextSample += 5_000;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - tickStart))));
    }
    phase('production over; waiting for the last read');
    await readLoop;
    // Drain: wait until the store has every message (or stops moving for a minute).
    phase('draining');
    let last = -1;
    let still = Date.now();
    for (;;) {
      const n = await stored();
      if (n >= produced) break;
      if (n !== last) {
        last = n;
        still = Date.now();
      } else if (Date.now() - still > 60_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const drained = await arrivals();
    const rssEnd = mb();
    const lost = Math.max(0, produced - drained.messages);
    const duplicated = drained.rows - drained.messages;
    const summary = `soak: ${produced} events, lag max ${lagMax.toFixed(1)} s, rss start ${rssStart} MB end ${rssEnd} MB, lost ${lost}, duplicated ${duplicated}`;
    // The figures are taken: say them before closing, which has its own limits.
    process.stderr.write(`\n${summary}\n`);
    phase('stopping the producer, the worker, the API and the store');
    await within('producer close', producer.close());
    await within('worker stop', worker.stop());
    await within('API close', app.close());
    await within('store close', runtime.close());
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    const file = join(ROOT, '.bench', `soak-${Date.now()}.md`);
    writeFileSync(file, [`## Soak of ${new Date().toISOString().slice(0, 16)} UTC`, '', `${minutes} min at ${rate} events/s (scale ${values.scale}), a read each second after the last: ${reads} (${readFailures} not 200), median ${Math.round(quantile(readTimes, 0.5))} ms, p95 ${Math.round(quantile(readTimes, 0.95))} ms.`, '', `\`${summary}\``, ''].join('\n'));
    process.stderr.write(`\nwritten to ${file}\n`);
    console.log(summary);
  } finally {
    execFileSync(process.execPath, [KAFKA, 'stop', ...BROKER_ARGS], { stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Exits when done: a client that did not close in time must not keep the process alive.
main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
