// The supervisors' worklists on the hand-built scenario: every kind found where it was planted,
// masked, filterable, paginated; and overdue follow-ups by program.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ingestBatch } from '../../src/ingest/pipeline.js';
import { todayInBeijing } from '../../src/metrics/evaluation-period.js';
import type { Runtime } from '../../src/runtime.js';
import { buildScenario, type ScenarioEvent } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
let events: ScenarioEvent[];
const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

beforeAll(async () => {
  runtime = await openTestRuntime('it_quality');
  app = await buildApp(runtime);
  ({ events } = buildScenario(runtime.reference.childrenOf('500104002')[0]!.code));
  await app.inject({ method: 'POST', url: '/v1/events', payload: events });
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('quality worklist', () => {
  it('finds every planted problem, counted per kind', async () => {
    const body = await get('/v1/quality/issues?year=2025&page_size=100');
    expect(body.counts_by_kind).toEqual({
      missing_basic_fields: 2, // P2 (no sex, no phone), P8 (most fields)
      sex_conflicts_id: 2, // P7's two records say 男 with an even sequence digit
      birth_date_conflicts_id: 0,
      archive_no_malformed: 0,
      archive_no_outside_region: 0,
      archive_no_not_residence: 1, // P8 moved to street 2 with the street-1 archive number
      archive_no_shared: 0,
      moved_out_without_handover: 1, // P4 moved out with a destination but no handover
      future_dated: 1, // P8's referral dated 2030
      service_after_death: 1, // P3's consultation after 2025-11-01
      duplicate_archive: 1, // P2 at H500104001 and H500104002
      group_mismatch: 1, // P3 enrolled in diabetes at 34
      no_dynamic_record: 1, // P7
      institution_silent: 0,
      event_id_conflict: 0, // every event id is sent once
    });
    expect(body.total).toBe(11);
    const dup = body.rows.find((r: { kind: string }) => r.kind === 'duplicate_archive');
    expect(dup.archive_no).toBe('50010400100100002 ← 50010400100190002');
    // The archive to keep is the one of the institution serving his street (H500104001 serves 500104001).
    expect(dup.detail).toContain('保留 50010400100100002（H500104001）');
  });

  it('shows people masked only', async () => {
    const text = JSON.stringify(await get('/v1/quality/issues?year=2025&page_size=100'));
    for (const e of events) {
      expect(text).not.toContain((e.person as { id_number: string }).id_number);
      expect(text).not.toContain((e.person as { name: string }).name);
    }
    expect(text).toContain('440524********0013');
  });

  it('filters by kind, region and institution, and paginates', async () => {
    const street2 = await get('/v1/quality/issues?year=2025&region=500104002');
    expect(street2.counts_by_kind).toMatchObject({ missing_basic_fields: 1, no_dynamic_record: 1, sex_conflicts_id: 2, duplicate_archive: 0 });
    const byKind = await get('/v1/quality/issues?year=2025&kind=duplicate_archive,group_mismatch');
    expect(byKind.rows.map((r: { kind: string }) => r.kind)).toEqual(['duplicate_archive', 'group_mismatch']);
    const h2 = await get('/v1/quality/issues?year=2025&institution=H500104002');
    expect(h2.rows.every((r: { institution_code: string }) => r.institution_code === 'H500104002')).toBe(true);
    const page2 = await get('/v1/quality/issues?year=2025&page=2&page_size=4');
    expect(page2.rows).toHaveLength(4);
    const page3 = await get('/v1/quality/issues?year=2025&page=3&page_size=4');
    expect(page3.rows).toHaveLength(3);
  });

  it('gives, page after page, the whole list in its order (a page reads only the kinds it covers)', async () => {
    const whole = (await get('/v1/quality/issues?year=2025&page_size=100')).rows as { kind: string }[];
    for (const size of [1, 2, 3, 5]) {
      const pages: { kind: string }[] = [];
      for (let page = 1; page <= Math.ceil(whole.length / size) + 1; page++) pages.push(...(await get(`/v1/quality/issues?year=2025&page=${page}&page_size=${size}`)).rows);
      expect(pages.map((r) => r.kind), `page size ${size}`).toEqual(whole.map((r) => r.kind));
      // Rows that tie on the sort keys may come in either order: the same rows, as a set.
      expect(pages.map((r) => JSON.stringify(r)).sort()).toEqual(whole.map((r) => JSON.stringify(r)).sort());
    }
    const twoKinds = (await get('/v1/quality/issues?year=2025&kind=sex_conflicts_id,duplicate_archive&page_size=100')).rows as { kind: string }[];
    const paged = [1, 2, 3].map(async (page) => (await get(`/v1/quality/issues?year=2025&kind=sex_conflicts_id,duplicate_archive&page=${page}&page_size=1`)).rows);
    expect((await Promise.all(paged)).flat().map((r: { kind: string }) => r.kind)).toEqual(twoKinds.map((r) => r.kind));
  });

  it('names a bad kind or institution', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/quality/issues?kind=typo' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.parameter).toBe('kind');
    expect((await app.inject({ method: 'GET', url: '/v1/quality/issues?institution=H0' })).json().error.details.parameter).toBe('institution');
  });
});

describe('silent institutions', () => {
  it('lists an institution whose last event arrived stale_days ago or more', async () => {
    const event = {
      event_id: 'silent-1', type: 'service.recorded', schema_version: 1, occurred_at: '2025-10-01', institution_code: 'H500104005',
      person: { id_number: '360426199101010071' }, data: { kind: 'consultation', served_on: '2025-10-01' },
    };
    const thirtyDaysAgo = Date.now() - 30 * 86_400_000;
    await ingestBatch([{ kind: 'parsed', value: event, source: 'silent:1' }], runtime.pipeline, { receivedAt: thirtyDaysAgo });
    const body = await get('/v1/quality/issues?kind=institution_silent&stale_days=7');
    expect(body.rows.map((r: { institution_code: string }) => r.institution_code)).toEqual(['H500104005']);
    expect((await get('/v1/quality/issues?kind=institution_silent&stale_days=31')).total).toBe(0);
  });
});

describe('overdue follow-ups', () => {
  it('lists managed people past their next follow-up, by program, masked', async () => {
    const body = await get('/v1/followups/overdue');
    const today = todayInBeijing();
    const days = (from: string) => Math.round((Date.parse(today) - Date.parse(from)) / 86_400_000);
    // P1 (last 2025-11-10), P2 (2025-10-15), P9 SMD (2025-10-20), each + 90 days. P3 died, P4 moved,
    // P10 completed treatment.
    expect(body.rows.map((r: { id_masked: string; due_on: string; days_overdue: number }) => [r.id_masked, r.due_on, r.days_overdue]).sort()).toEqual(
      [
        ['110105********002X', '2026-02-08', days('2026-02-08')],
        ['440524********0013', '2026-01-13', days('2026-01-13')],
        ['500104********0072', '2026-01-18', days('2026-01-18')],
      ].sort(),
    );
    const smd = await get('/v1/followups/overdue?program=severe_mental_disorder');
    expect(smd.total).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/v1/followups/overdue?program=flu' })).statusCode).toBe(400);
  });
});
