// A bulk stream sets the maintained state aside and rebuilds it once the stream is quiet. A pause in
// stored batches while a source still has messages waiting (a slow store in the middle of a Kafka
// backlog) is not quiet: the rebuild waits for the backlog, instead of competing with it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluationPeriod, todayInBeijing } from '../../src/metrics/evaluation-period.js';
import { StateMaintainer } from '../../src/metrics/state/state-maintainer.js';
import { subjectTable } from '../../src/metrics/state/state-tables.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestRuntime } from './bootstrap.js';

const QUIET_MS = 200;
let runtime: Runtime;
let maintainer: StateMaintainer;
const logged: string[] = [];

beforeAll(async () => {
  runtime = await openTestRuntime('it_state_backlog');
  await runtime.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS state_builds' });
  maintainer = new StateMaintainer({
    client: runtime.store.client,
    tables: [subjectTable('person')],
    reference: runtime.reference,
    county: '500104',
    maxLagMs: 60_000,
    bulkPeople: 2,
    bulkQuietMs: QUIET_MS,
    log: (m) => logged.push(m),
  });
  await maintainer.start();
});
afterAll(async () => {
  await maintainer?.close();
  await runtime?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('waits for the sources to have nothing waiting before it rebuilds after a bulk stream', { timeout: 120_000 }, async () => {
  const year = Number(todayInBeijing().slice(0, 4));
  const period = evaluationPeriod(year, todayInBeijing());
  if (!period.ok) throw new Error(period.message);
  const current = () => maintainer.isCurrent(year, period.period.evalDate, 'person');
  expect(await current()).toBe(true);
  const builds = () => logged.filter((m) => m.includes('built in')).length;
  const startBuilds = builds();

  maintainer.notifyStored(['a', 'b', 'c']);
  maintainer.notifyBacklog('events:0', 0);
  maintainer.notifyBacklog('events:1', 5_000);
  expect(logged.some((m) => m.includes('set aside'))).toBe(true);
  // Several quiet periods pass with partition 1 still behind: set aside, not rebuilt.
  await pause(QUIET_MS * 6);
  expect(await current()).toBe(false);
  expect(builds(), logged.join('\n')).toBe(startBuilds);

  // Partition 1 caught up: the next quiet period ends the bulk stream and the year is rebuilt.
  maintainer.notifyBacklog('events:1', 0);
  await maintainer.idle();
  expect(await current()).toBe(true);
  expect(builds()).toBeGreaterThan(startBuilds);
});
