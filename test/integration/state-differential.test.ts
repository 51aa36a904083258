// The maintained state against the event log (issue 8): every indicator, every grouping, the
// completeness counts, the worklist and the overdue list, evaluated both ways, must give identical numerators and denominators — on
// the hand-built scenarios (applied batch by batch as they land, then replayed shuffled) and on a
// seeded synthetic district (applied as it streams in, then rebuilt whole).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch, type ReceivedEvent } from '../../src/ingest/pipeline.js';
import { completeness } from '../../src/metrics/completeness.js';
import { listIssues } from '../../src/quality/issues.js';
import { listOverdue } from '../../src/quality/overdue.js';
import { evaluateIndicators } from '../../src/metrics/evaluate.js';
import { evaluationPeriod, todayInBeijing } from '../../src/metrics/evaluation-period.js';
import type { GroupLevel } from '../../src/metrics/subjects.js';
import type { Runtime } from '../../src/runtime.js';
import { replacePopulation } from '../../src/store/population-store.js';
import { generateDistrict } from '../../src/synthetic/generate-district.js';
import { buildScenario, scenarioPopulation } from '../fixtures/scenario.js';
import { buildGroups, POPULATION_2025 } from '../fixtures/scenario-v2.js';
import { openTestRuntime } from './bootstrap.js';
import { shuffled } from '../fixtures/shuffle.js';

let runtime: Runtime;
const LEVELS: GroupLevel[] = ['street', 'community', 'institution'];


const received = (events: readonly unknown[], tag: string): ReceivedEvent[] => events.map((value, i) => ({ kind: 'parsed', value, source: `${tag}:${i}` }));

/** Every indicator at every level, and completeness, from the state and from the log. */
async function bothWays(year: number) {
  const state = runtime.state!;
  await state.idle();
  const period = evaluationPeriod(year, todayInBeijing());
  if (!period.ok) throw new Error(period.message);
  const region = runtime.reference.divisions.get('500104')!;
  for (const subject of ['person', 'patient', 'issues'] as const) expect(await state.isCurrent(year, period.period.evalDate, subject), `${year} ${subject} is current`).toBe(true);
  const figures = async (source: 'state' | 'log') => {
    const out: Record<string, unknown> = {};
    for (const by of LEVELS) {
      const results = await evaluateIndicators(runtime.store.client, runtime.reference, runtime.catalogue, { period: period.period, region, by, source });
      for (const r of results) out[`${r.indicator}/${by}`] = [r.rows.map((row) => [row.code, row.numerator, row.denominator]), [r.total.numerator, r.total.denominator]];
    }
    const fields = await completeness(runtime.store.client, runtime.reference, {
      period: period.period,
      region,
      by: 'street',
      state: { isCurrent: async () => source === 'state' },
    });
    out.completeness = fields;
    const worklist = await listIssues(runtime.store.client, runtime.reference, runtime.catalogue, {
      period: period.period,
      region,
      kinds: [],
      page: 1,
      pageSize: 1_000_000,
      staleDays: 7,
      ...(source === 'state' ? { state: { isCurrent: async () => true } } : {}),
    });
    // Ties in the page order may fall either way: compare the whole list as a sorted set.
    out.worklist = { counts: worklist.counts_by_kind, total: worklist.total, rows: worklist.rows.map((r) => JSON.stringify(r)).sort() };
    const overdue = await listOverdue(runtime.store.client, runtime.reference, {
      period: period.period,
      region,
      programs: [],
      page: 1,
      pageSize: 1_000_000,
      ...(source === 'state' ? { state: { isCurrent: async () => true } } : {}),
    });
    out.overdue = { total: overdue.total, rows: overdue.rows.map((r) => JSON.stringify(r)).sort() };
    return out;
  };
  const fromLog = await figures('log');
  const fromState = await figures('state');
  expect(fromState).toEqual(fromLog);
  return fromLog;
}

beforeAll(async () => {
  // A low bulk threshold: the synthetic district's large batches take the set-aside-and-rebuild path.
  // Small build parts: the district's years are built in several parts (about 5,000 identifiers).
  runtime = await openTestRuntime('it_state_differential', { HAP_STATE_BULK_PEOPLE: '1500', HAP_STATE_BUILD_PART_PEOPLE: '1200' });
  await runtime.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS state_builds' });
  await runtime.state!.start();
});
afterAll(async () => {
  await runtime?.close();
});

describe('the maintained state gives the numbers of the log', () => {
  const year = 2025;

  it('on the hand-built scenarios, batch by batch as they land', async () => {
    const streets = runtime.reference.childrenOf('500104002');
    const { events } = buildScenario(streets[0]!.code);
    await replacePopulation(runtime.store, year, [...scenarioPopulation(streets[0]!.code, streets[1]!.code), ...POPULATION_2025]);
    // In batches of 7, as clinics would send them: each batch refreshes only its people.
    for (let i = 0; i < events.length; i += 7) await ingestBatch(received(events.slice(i, i + 7), `v1:${i}`), runtime.pipeline);
    const v1 = await bothWays(year);
    expect(v1['archive_coverage/street']).toEqual(expect.anything());
    // The v2 groups with their received days: links, transfers, reopenings, cohort windows.
    for (const group of buildGroups()) {
      for (const batch of group.batches) {
        await ingestBatch(received(batch.events, `v2:${group.key}:${batch.receivedOn}`), runtime.pipeline, { receivedAt: Date.parse(`${batch.receivedOn}T12:00:00+08:00`) });
        // Days apart: each batch is applied before the next (a link then replaces a person's own row).
        await runtime.state!.idle();
      }
    }
    const before = await bothWays(year);
    // Everything again, shuffled, in other batches: nothing moves, either way.
    const all = [...events, ...buildGroups().flatMap((g) => g.batches.flatMap((b) => b.events))];
    const again = shuffled(all, 99);
    for (let i = 0; i < again.length; i += 25) await ingestBatch(received(again.slice(i, i + 25), `replay:${i}`), runtime.pipeline);
    expect(await bothWays(year)).toEqual(before);
  });

  it('on a seeded synthetic district streamed in, and after a rebuild of the year', { timeout: 300_000 }, async () => {
    for (const table of ['events', 'rejections']) await runtime.store.client.command({ query: `TRUNCATE TABLE ${table}` });
    await runtime.state!.resume(); // the truncation bypassed the pipeline: rebuild from the empty log
    const district = generateDistrict({ county: '500104', reference: runtime.reference, seed: 7, scale: 0.01, firstYear: 2024, until: todayInBeijing() });
    // The first half in small batches (each applied to its people), the rest in large ones (more
    // people than the bulk threshold: set aside, rebuilt once the stream is quiet).
    const events: unknown[] = [...district.events()];
    // One archive number used by two people, for a few pairs: the one worklist kind that compares
    // people, so the worklist table is built whole (its refresh takes everyone sharing a number).
    type Created = { type: string; event_id: string; person: { id_number: string }; data: { archive_no: string } };
    const created = (events as Created[]).filter((e) => e.type === 'archive.created');
    const byPerson = [...new Map(created.map((e) => [e.person.id_number, e])).values()].slice(0, 12);
    const planted: unknown[] = [];
    for (let i = 0; i + 1 < byPerson.length; i += 2) {
      const [a, b] = [byPerson[i]!, byPerson[i + 1]!];
      planted.push({ ...b, event_id: `shared-archive-${i}`, data: { ...b.data, archive_no: a.data.archive_no } });
    }
    // Among the small batches: each is applied by refreshing its people and those sharing a number.
    events.splice(Math.floor(events.length / 4), 0, ...planted);
    const half = Math.floor(events.length / 2);
    for (let i = 0; i < half; i += 1_000) await ingestBatch(received(events.slice(i, Math.min(i + 1_000, half)), `synthetic:${i}`), runtime.pipeline);
    for (let i = half; i < events.length; i += 8_000) await ingestBatch(received(events.slice(i, i + 8_000), `synthetic:${i}`), runtime.pipeline);
    const years = new Map<number, { division_code: string; group: string; count: number }[]>();
    for (const { year: y, ...row } of district.population) years.set(y, [...(years.get(y) ?? []), row]);
    for (const [y, rows] of years) await replacePopulation(runtime.store, y, rows);
    const streamed = await bothWays(year);
    const current = await bothWays(Number(todayInBeijing().slice(0, 4)));
    expect((streamed['archive_coverage/street'] as [unknown, number[]])[1]![0]).toBeGreaterThan(1_000);
    // The worklist kind that compares people (one archive number used by two) is there to compare.
    expect((streamed.worklist as { counts: Record<string, number> }).counts.archive_no_shared).toBeGreaterThan(0);
    // A rebuild, in parts of the people, gives the same as the batches applied one by one.
    const [identifiers] = await runtime.store.client.query({ query: 'SELECT uniq(person_key) AS n FROM events', format: 'JSONEachRow' }).then((r) => r.json<{ n: string }>());
    expect(Number(identifiers!.n)).toBeGreaterThan(3 * 1200);
    await runtime.state!.resume();
    expect(await bothWays(year)).toEqual(streamed);
    expect(await bothWays(Number(todayInBeijing().slice(0, 4)))).toEqual(current);
  });
});
