// `npm run bench`: end-to-end ingest (events on a Kafka topic → rows queryable in ClickHouse)
// over ≥ 1 M synthetic events, next to a baseline measured in the same run on the same messages
// (consumed and inserted as raw JSON rows, no validation). Each run is its own process so its
// peak RSS is its own. Results go to .bench/ (untracked; BENCHMARKS.md summarises them); the last line printed is the summary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { messagesFor } from '../ingest/kafka-publisher.js';
import { kafkajsBus } from '../kafka/kafkajs-bus.js';
import { ensureTopics } from '../kafka/topics.js';
import { loadReferenceData } from '../reference/reference-data.js';
import { generateDistrict } from '../synthetic/generate-district.js';
import type { RunResult } from './bench-run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KAFKA = join(ROOT, 'scripts/kafka.mjs');
const BROKER_ARGS = ['--port', '19292', '--controller-port', '19293', '--home', join(ROOT, '.kafka/bench')];

function run(mode: 'worker' | 'baseline', topic: string, brokers: string, expected: number): RunResult {
  const dataDir = mkdtempSync(join(tmpdir(), `hap-bench-${mode}-`));
  try {
    const out = spawnSync(process.execPath, [join(ROOT, 'dist/bench/bench-run.js'), '--mode', mode, '--topic', topic, '--brokers', brokers, '--expect', String(expected), '--data-dir', dataDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (out.status !== 0) throw new Error(`${mode} run failed (exit ${out.status})`);
    return JSON.parse(out.stdout.trim().split('\n').pop()!) as RunResult;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '0.6' }, partitions: { type: 'string', default: '3' } } });
  const brokers = execFileSync(process.execPath, [KAFKA, 'start', ...BROKER_ARGS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  try {
    const reference = loadReferenceData('500104');
    const district = generateDistrict({ county: '500104', reference, seed: 20261125, scale: Number(values.scale), firstYear: 2024, until: '2026-11-25' });
    const bus = kafkajsBus({ brokers: [brokers], clientId: 'bench-producer' });
    const topic = `bench.${Date.now()}`;
    await ensureTopics(bus, topic, `${topic}.dlq`, Number(values.partitions));
    const producer = await bus.producer();
    const deps = { reference, pseudonymKey: Buffer.from('bench-key-0123456789abcdef0123456789') };
    let produced = 0;
    const produceStart = Date.now();
    let chunk: unknown[] = [];
    const flush = async () => {
      const { messages } = messagesFor(chunk.map((value, i) => ({ kind: 'parsed' as const, value, source: `bench:${produced + i}` })), deps);
      await producer.send(topic, messages);
      produced += chunk.length;
      chunk = [];
      process.stderr.write(`\rproduced ${produced.toLocaleString('en')}`);
    };
    for (const event of district.events()) {
      chunk.push(event);
      if (chunk.length >= 20_000) await flush();
    }
    if (chunk.length > 0) await flush();
    await producer.close();
    const produceSeconds = (Date.now() - produceStart) / 1000;
    process.stderr.write(` events in ${produceSeconds.toFixed(1)} s\n`);
    if (produced < 1_000_000) throw new Error(`only ${produced} events: raise --scale`);

    const worker = run('worker', topic, brokers, produced);
    process.stderr.write(`worker: ${JSON.stringify(worker)}\n`);
    const baseline = run('baseline', topic, brokers, produced);
    process.stderr.write(`baseline: ${JSON.stringify(baseline)}\n`);

    const rate = (r: RunResult) => Math.round(r.events / r.seconds);
    const mbps = (r: RunResult) => (r.bytes / 1e6 / r.seconds).toFixed(1);
    const ratio = (rate(worker) / rate(baseline)).toFixed(2);
    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
    const summary = `ingest: ${rate(worker)} events/s, baseline ${rate(baseline)} events/s, ratio ${ratio}, peak RSS ${worker.peakRssMb} MB`;
    const section = [
      `## Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka 4.4.0 single broker on 127.0.0.1, ${values.partitions} partitions; embedded chDB.`,
      `Events: ${produced.toLocaleString('en')} synthetic (scale ${values.scale}), ${(worker.bytes / 1e6).toFixed(0)} MB of JSON; produced beforehand in ${produceSeconds.toFixed(1)} s (not measured).`,
      '',
      '| run | events/s | MB/s | seconds | peak RSS |',
      '|---|---|---|---|---|',
      `| worker (validate, normalise, pseudonymise, insert, commit) | ${rate(worker)} | ${mbps(worker)} | ${worker.seconds.toFixed(1)} | ${worker.peakRssMb} MB |`,
      `| baseline (raw JSON rows, no validation) | ${rate(baseline)} | ${mbps(baseline)} | ${baseline.seconds.toFixed(1)} | ${baseline.peakRssMb} MB |`,
      '',
      `The worker kept the maintained state while consuming (as \`hap serve\` does); it had applied every batch ${worker.stateCatchUpSeconds?.toFixed(1) ?? '?'} s after the last row landed.`,
      '',
      `\`${summary}\``,
      '',
    ].join('\n');
    // Runs go to .bench/ (untracked); BENCHMARKS.md summarises them by hand.
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    const file = join(ROOT, '.bench', `ingest-${Date.now()}.md`);
    writeFileSync(file, section);
    console.error(section);
    console.error(`written to ${file}`);
    console.log(summary);
  } finally {
    execFileSync(process.execPath, [KAFKA, 'stop', ...BROKER_ARGS], { stdio: 'ignore' });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
