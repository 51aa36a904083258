// Scheduled jobs on the real engine: nightly snapshots of the hand-built scenario (taken twice,
// back-filled by the scheduler), the monthly trend read from them against the live values of the
// same dates, and the institution freshness check.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ingestBatch } from '../../src/ingest/pipeline.js';
import { takeSnapshot } from '../../src/jobs/indicator-snapshot.js';
import { startScheduledJobs } from '../../src/jobs/scheduler.js';
import type { Runtime } from '../../src/runtime.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { buildScenario, type ScenarioEvent, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
let events: ScenarioEvent[];
let invalidIdEvents: number;

const JUNE = '2025-06-30';
const NOVEMBER = '2025-11-30';

/**
 * Each event as if the clinic had sent it on the day of the service (18:00 Beijing), so that
 * `as_of` a 2025 date sees what was known then. The referral mistyped as 2030 arrived the day
 * after P8's real consultation.
 */
function receivedOn(e: ScenarioEvent): string {
  const day = e.occurred_at.slice(0, 10);
  return day > '2025-12-31' ? '2025-05-02' : day;
}

async function ingestAsSentAtTheTime(all: readonly ScenarioEvent[]) {
  const byDay = new Map<string, ScenarioEvent[]>();
  for (const e of all) byDay.set(receivedOn(e), [...(byDay.get(receivedOn(e)) ?? []), e]);
  for (const [day, batch] of byDay) {
    await ingestBatch(
      batch.map((value, i) => ({ kind: 'parsed' as const, value, source: `test:${day}#${i}` })),
      runtime.pipeline,
      { receivedAt: Date.parse(`${day}T18:00:00+08:00`) },
    );
  }
}

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function snapshotCounts() {
  const [raw] = await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM indicator_snapshots');
  const [final] = await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM indicator_snapshots FINAL');
  return { raw: Number(raw!.n), final: Number(final!.n) };
}

async function snapshotDates() {
  const rows = await queryRows<{ d: string }>(runtime.store.client, 'SELECT DISTINCT snapshot_date AS d FROM indicator_snapshots ORDER BY d');
  return rows.map((r) => r.d);
}

type Point = { month: string; snapshot_date: string; numerator: number; denominator: number; rate: number | null; data_problem: string | null };
type Series = { code: string; name: string; points: Point[] };
type LiveRow = { code: string; numerator: number; denominator: number; rate: number | null; data_problem: string | null };

/** The trend's point for the month of `date` equals the live row as of `date`, for every group and the total. */
function expectTrendMatchesLive(trend: { rows: Series[]; total: Series }, live: { rows: LiveRow[]; total: LiveRow }, date: string) {
  const month = date.slice(0, 7);
  const pick = (p: Point | undefined) => p && { snapshot_date: p.snapshot_date, numerator: p.numerator, denominator: p.denominator, rate: p.rate, data_problem: p.data_problem };
  const want = (r: LiveRow) => ({ snapshot_date: date, numerator: r.numerator, denominator: r.denominator, rate: r.rate, data_problem: r.data_problem });
  expect(trend.rows.map((s) => s.code)).toEqual(live.rows.map((r) => r.code));
  for (const r of live.rows) {
    const series = trend.rows.find((s) => s.code === r.code)!;
    expect(pick(series.points.find((p) => p.month === month)), `${r.code} ${month}`).toEqual(want(r));
  }
  expect(pick(trend.total.points.find((p) => p.month === month)), `total ${month}`).toEqual(want(live.total));
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_jobs');
  await runtime.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS indicator_snapshots' });
  app = await buildApp(runtime);
  const streets = runtime.reference.childrenOf('500104002');
  const [c2, c2b] = [streets[0]!.code, streets[1]!.code];
  ({ events, invalidIdEvents } = buildScenario(c2));
  const put = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: scenarioPopulation(c2, c2b) } });
  expect(put.statusCode, put.body).toBe(200);
  await ingestAsSentAtTheTime(events);
  // The clinics send everything again today: the first received copy is kept, so as_of values do not move.
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: events, headers: { 'content-type': 'application/json' } });
  expect(res.statusCode, res.body).toBe(202);
  expect(res.json().accepted).toBe(events.length - invalidIdEvents);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('nightly indicator snapshot', () => {
  it('stores numerator and denominator of every indicator at every level', async () => {
    const summary = await takeSnapshot(runtime, JUNE);
    expect(summary.indicators).toBe(runtime.catalogue.length);
    const levels = await queryRows<{ level: string; indicators: string; rows: string }>(
      runtime.store.client,
      'SELECT level, uniqExact(indicator) AS indicators, count() AS rows FROM indicator_snapshots FINAL WHERE snapshot_date = {d:Date} GROUP BY level ORDER BY level',
      { d: JUNE },
    );
    const n = runtime.catalogue.length;
    const communities = [...runtime.reference.divisions.values()].filter((d) => d.level === 'community').length;
    expect(levels.map((l) => [l.level, Number(l.indicators), Number(l.rows)])).toEqual([
      ['community', n, n * communities],
      ['county', n, n],
      ['institution', n, n * runtime.reference.institutions.size],
      ['street', n, n * 8],
    ]);
    expect(levels.reduce((s, l) => s + Number(l.rows), 0)).toBe(summary.rows);
  });

  it('is idempotent: the same night taken twice replaces its rows, never duplicates them', async () => {
    await takeSnapshot(runtime, NOVEMBER);
    const once = await snapshotCounts();
    const [first] = await queryRows<{ t: string }>(runtime.store.client, 'SELECT max(taken_at) AS t FROM indicator_snapshots WHERE snapshot_date = {d:Date}', { d: NOVEMBER });
    await takeSnapshot(runtime, NOVEMBER);
    expect(await snapshotCounts()).toEqual(once);
    expect(once.raw).toBe(once.final);
    const [second] = await queryRows<{ t: string }>(runtime.store.client, 'SELECT min(taken_at) AS t FROM indicator_snapshots WHERE snapshot_date = {d:Date}', { d: NOVEMBER });
    expect(second!.t > first!.t).toBe(true);
    expect(await snapshotDates()).toEqual([JUNE, NOVEMBER]);
  });

  it('refuses a night that has not ended', async () => {
    await expect(takeSnapshot(runtime, '2099-01-01')).rejects.toThrow(/snapshot 2099-01-01/);
  });
});

describe('GET /v1/indicators/:id/trend', () => {
  it('gives, per street and for the county, the stored values: those of the live indicator as of each date', async () => {
    let moved = 0;
    for (const { id } of runtime.catalogue) {
      const trend = await get(`/v1/indicators/${id}/trend?year=2025&by=street`);
      expect(trend.months).toEqual(['2025-06', '2025-11']);
      for (const date of [JUNE, NOVEMBER]) expectTrendMatchesLive(trend, await get(`/v1/indicators/${id}?year=2025&by=street&as_of=${date}`), date);
      const [june, november] = trend.total.points as Point[];
      if (june!.numerator !== november!.numerator) moved++;
    }
    // The series must actually move between the two months, or the comparison proves little.
    expect(moved).toBeGreaterThanOrEqual(5);
  });

  it('groups by community inside a street, and by institution for the county', async () => {
    for (const [query, date] of [
      ['by=community&region=500104001', NOVEMBER],
      ['by=community&region=500104002', JUNE],
      ['by=institution', NOVEMBER],
    ] as const) {
      for (const id of ['archive_coverage', 'hypertension_standard_management', 'archive_usage']) {
        const trend = await get(`/v1/indicators/${id}/trend?year=2025&${query}`);
        expectTrendMatchesLive(trend, await get(`/v1/indicators/${id}?year=2025&${query}&as_of=${date}`), date);
      }
    }
  });

  it('takes the last snapshot of each month, within from and to', async () => {
    // P1's fourth follow-up (2025-11-10) makes her standard-managed between the two November nights.
    const EARLY_NOVEMBER = '2025-11-05';
    await takeSnapshot(runtime, EARLY_NOVEMBER);
    const id = 'hypertension_standard_management';
    const trend = await get(`/v1/indicators/${id}/trend?year=2025&from=2025-07&to=2025-11`);
    expect(trend).toMatchObject({ from: '2025-07-01', to: '2025-11-30', months: ['2025-11'], name_zh: '高血压患者规范管理率' });
    expectTrendMatchesLive(trend, await get(`/v1/indicators/${id}?year=2025&by=street&as_of=${NOVEMBER}`), NOVEMBER);
    const early = await get(`/v1/indicators/${id}/trend?year=2025&from=2025-11-01&to=2025-11-10`);
    expectTrendMatchesLive(early, await get(`/v1/indicators/${id}?year=2025&by=street&as_of=${EARLY_NOVEMBER}`), EARLY_NOVEMBER);
    expect([early.total.points[0].numerator, trend.total.points[0].numerator]).toEqual([0, 1]);
  });

  it('computes the rate from the stored numerator and denominator (null when the denominator is 0)', async () => {
    const trend = await get('/v1/indicators/hypertension_standard_management/trend?year=2025&by=street');
    const street2 = trend.rows.find((s: Series) => s.code === '500104002');
    expect(street2.points.every((p: Point) => p.denominator === 0 && p.rate === null)).toBe(true);
    for (const p of trend.total.points as Point[]) expect(p.rate).toBe(p.denominator === 0 ? null : p.numerator / p.denominator);
  });

  it('answers an empty series for a year with no snapshot', async () => {
    const trend = await get('/v1/indicators/archive_coverage/trend?year=2024');
    expect(trend.months).toEqual([]);
    expect(trend.total.points).toEqual([]);
    expect(trend.rows).toHaveLength(8);
  });

  it('is in the OpenAPI document, with the freshness route', async () => {
    const paths = Object.keys((await get('/docs/json')).paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/indicators/{id}/trend', '/v1/quality/freshness']));
  });

  it('answers 404 for an unknown indicator and 400 naming a bad parameter', async () => {
    const notFound = await app.inject({ method: 'GET', url: '/v1/indicators/archive_happiness/trend' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().error.code).toBe('not_found');
    for (const [query, parameter] of [
      ['year=20x5', 'year'],
      ['by=village', 'by'],
      ['region=123', 'region'],
      ['region=500104999', 'region'],
      ['from=2025-13', 'from'],
      ['to=2025-02-30', 'to'],
      ['from=2025-11&to=2025-06', 'from'],
      ['region=500104001&by=institution', 'by'],
      ['region=500104001001&by=street', 'by'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: `/v1/indicators/archive_coverage/trend?year=2025&${query}` });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.json().error.details.parameter, query).toBe(parameter);
    }
  });
});

describe('scheduler', () => {
  it('catches up the missed nights at start (bounded), logs them, and stop() waits for the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-schedules-'));
    const file = join(dir, 'schedules.json');
    writeFileSync(
      file,
      JSON.stringify({
        jobs: {
          // Crons that will not fire during the test: only the start-up catch-up runs.
          indicator_snapshot: { cron: '30 1 1 1 *', catch_up_days: 2 },
          institution_freshness: { cron: '0 8 1 1 *', stale_after_days: 7 },
        },
      }),
    );
    const logs: string[] = [];
    // 2025-12-03 01:30 Beijing: last complete night 2025-12-02; the last stored one is 2025-11-30,
    // but catch_up_days 2 reaches back only to 2025-12-01.
    const jobs = startScheduledJobs(runtime, (m) => logs.push(m), { schedulesFile: file, now: () => Date.parse('2025-12-03T01:30:00+08:00') });
    await jobs.stop();
    expect(await snapshotDates()).toEqual([JUNE, '2025-11-05', NOVEMBER, '2025-12-01', '2025-12-02']);
    expect(logs.filter((m) => m.startsWith('scheduled '))).toHaveLength(2);
    expect(logs.filter((m) => m.includes('indicator snapshot 2025-12-0'))).toHaveLength(2);
    expect(logs.some((m) => m.includes('failed'))).toBe(false);
  });

  it('does nothing more when started again the same night', async () => {
    const before = await snapshotCounts();
    const logs: string[] = [];
    const jobs = startScheduledJobs(runtime, (m) => logs.push(m), { now: () => Date.parse('2025-12-03T09:00:00+08:00') });
    await jobs.startedUp;
    await jobs.stop();
    expect(await snapshotCounts()).toEqual(before);
    expect(logs.filter((m) => m.includes('indicator snapshot 2025-'))).toEqual([]);
  });

  it('refuses to start on a bad schedules file, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-schedules-'));
    const file = join(dir, 'schedules.json');
    writeFileSync(file, JSON.stringify({ jobs: { indicator_snapshot: { cron: '99 * * * *' }, institution_freshness: { cron: '0 8 * * *' } } }));
    expect(() => startScheduledJobs(runtime, () => {}, { schedulesFile: file })).toThrow(/jobs\.indicator_snapshot\.cron/);
  });
});

describe('GET /v1/quality/freshness', () => {
  type Row = { code: string; name: string; days_since_received: number | null; stale: boolean; status: string; last_occurred_at: string | null };
  const row = (body: { rows: Row[] }, code: string) => body.rows.find((r) => r.code === code)!;

  it('flags, as of a date, the institution whose last event is older than N days and those that never sent', async () => {
    const body = await get('/v1/quality/freshness?as_of=2025-11-15');
    expect(body).toMatchObject({ as_of: '2025-11-15', stale_after_days: 7, region: { code: '500104', name: '大渡口区' } });
    // H1's last event (P1's follow-up) was sent 2025-11-10; H2's (P7's consultation) 2024-06-01.
    expect(row(body, 'H500104001')).toMatchObject({ name: '新山村街道社区卫生服务中心', days_since_received: 5, stale: false, status: 'ok', last_occurred_at: '2025-11-10T02:00:00.000Z' });
    expect(row(body, 'H500104002')).toMatchObject({ days_since_received: 532, stale: true, status: 'stale' });
    expect(row(body, 'H500104003')).toMatchObject({ days_since_received: null, stale: true, status: 'never_sent', last_occurred_at: null });
    expect(body.rows).toHaveLength(runtime.reference.institutions.size);
    expect(body.stale).toBe(runtime.reference.institutions.size - 1);
  });

  it('takes N from the query, and counts today’s re-sent events as sending', async () => {
    expect(row(await get('/v1/quality/freshness?as_of=2025-11-15&stale_after_days=5'), 'H500104001')).toMatchObject({ stale: true, days_since_received: 5 });
    const today = await get('/v1/quality/freshness');
    expect(row(today, 'H500104001')).toMatchObject({ days_since_received: 0, stale: false });
    expect(row(today, 'H500104002')).toMatchObject({ days_since_received: 0, stale: false });
  });

  it('lists only the institutions serving a street', async () => {
    const body = await get('/v1/quality/freshness?as_of=2025-11-15&region=500104001');
    expect(body.rows.map((r: Row) => r.code)).toEqual(['H500104001']);
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, parameter] of [
      ['as_of=2099-01-01', 'as_of'],
      ['as_of=2025-02-30', 'as_of'],
      ['as_of=yesterday', 'as_of'],
      ['stale_after_days=0', 'stale_after_days'],
      ['region=500104999', 'region'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: `/v1/quality/freshness?${query}` });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.json().error.details.parameter, query).toBe(parameter);
    }
  });
});
