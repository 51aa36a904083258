// A process that dies after a batch is stored and before the maintained state applied it: the next
// start must not serve the state without that batch (issue 8, crash safety). The maintainer is
// kept from hearing of the batch, then the runtime closes as a crash would leave it: nothing
// pending, every year marked complete.
import { afterAll, expect, it } from 'vitest';
import { ingestBatch, type ReceivedEvent } from '../../src/ingest/pipeline.js';
import { evaluateIndicators } from '../../src/metrics/evaluate.js';
import { evaluationPeriod, todayInBeijing } from '../../src/metrics/evaluation-period.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { replacePopulation } from '../../src/store/population-store.js';
import { buildScenario, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime, testConfig } from './bootstrap.js';

const DATABASE = 'it_state_crash';
const year = 2025;
let runtime: Runtime | undefined;
afterAll(async () => {
  await runtime?.close();
});

const received = (events: readonly unknown[], tag: string): ReceivedEvent[] => events.map((value, i) => ({ kind: 'parsed', value, source: `${tag}:${i}` }));

async function figures(r: Runtime, source: 'state' | 'log') {
  const period = evaluationPeriod(year, todayInBeijing());
  if (!period.ok) throw new Error(period.message);
  const region = r.reference.divisions.get('500104')!;
  const results = await evaluateIndicators(r.store.client, r.reference, r.catalogue, { period: period.period, region, by: 'street', source });
  return Object.fromEntries(results.map((x) => [x.indicator, [x.total.numerator, x.total.denominator, x.rows.map((row) => [row.code, row.numerator, row.denominator])]]));
}

it('a batch stored but not applied before a crash is applied at the next start', { timeout: 300_000 }, async () => {
  runtime = await openTestRuntime(DATABASE);
  await runtime.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS state_builds' });
  await runtime.state!.start();
  const streets = runtime.reference.childrenOf('500104002');
  const { events } = buildScenario(streets[0]!.code);
  await replacePopulation(runtime.store, year, scenarioPopulation(streets[0]!.code, streets[1]!.code));
  const half = Math.floor(events.length / 2);
  await ingestBatch(received(events.slice(0, half), 'applied'), runtime.pipeline);
  await runtime.state!.idle();
  const applied = await figures(runtime, 'log');
  expect(await figures(runtime, 'state')).toEqual(applied);

  // Stored, never applied: the maintainer does not hear of it, and the process goes away.
  runtime.state!.notifyStored = () => undefined;
  await ingestBatch(received(events.slice(half), 'lost'), runtime.pipeline);
  await runtime.close();
  runtime = undefined;

  runtime = await openRuntime(testConfig(DATABASE));
  await runtime.state!.start();
  await runtime.state!.idle();
  const period = evaluationPeriod(year, todayInBeijing());
  if (!period.ok) throw new Error(period.message);
  expect(await runtime.state!.isCurrent(year, period.period.evalDate, 'person')).toBe(true);
  const fromLog = await figures(runtime, 'log');
  expect(fromLog).not.toEqual(applied);
  expect(await figures(runtime, 'state')).toEqual(fromLog);
});
