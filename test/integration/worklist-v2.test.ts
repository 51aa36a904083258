// Worklist kinds of definitions v2 ("Identity and the archive's life"): one archive number used by
// two people, a duplicate whose archive to keep is the one of the institution serving the person's
// latest residence (not the first established), and a linked person listed once, as known now.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ingestBatch } from '../../src/ingest/pipeline.js';
import type { Runtime } from '../../src/runtime.js';
import { makeId } from '../fixtures/ids.js';
import { openTestRuntime } from './bootstrap.js';

const C1 = '500104001001'; // 新山村街道, served by H500104001
let runtime: Runtime;
let app: FastifyInstance;
let n = 0;

const ev = (institution: string, person: Record<string, unknown>, type: string, on: string, data: Record<string, unknown>) => ({
  event_id: `wl-${++n}`, type, schema_version: 1, occurred_at: on, institution_code: institution, person, data,
});
const created = (institution: string, person: Record<string, unknown>, archiveNo: string, on: string, division: string) =>
  ev(institution, { ...person, name: '测试' }, 'archive.created', on, { archive_no: archiveNo, established_on: on, residence: { division_code: division } });

async function issues(query = '') {
  const res = await app.inject({ method: 'GET', url: `/v1/quality/issues?year=2025&page_size=100${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_worklist_v2');
  app = await buildApp(runtime);
  const street2Community = runtime.reference.childrenOf('500104002')[0]!.code;
  const a = { id_number: makeId('500104', '19700101', '011') };
  const b = { id_number: makeId('500104', '19710101', '013') };
  // D: archived first by H500104002 (2019), later again by H500104001 (2023); lives in street 1,
  // which H500104001 serves: H500104001's archive is the one to keep although it is the later one.
  const d = { id_number: makeId('500104', '19720101', '015') };
  const wrong = { id_number: makeId('500104', '19730101', '017') };
  const right = { id_number: makeId('500104', '19730101', '019') };
  const events = [
    created('H500104001', a, `${C1}00501`, '2020-01-01', C1),
    // B's archive was given A's number by mistake.
    created('H500104002', b, `${C1}00501`, '2021-01-01', street2Community),
    created('H500104002', d, `${street2Community}00502`, '2019-01-01', street2Community),
    created('H500104001', d, `${C1}00503`, '2023-01-01', C1),
    // A corrected ID: two archives until the link says they are one person, then a duplicate of one.
    created('H500104001', wrong, `${C1}00504`, '2022-01-01', C1),
    created('H500104001', right, `${C1}00505`, '2024-01-01', C1),
    ev('H500104001', right, 'person.linked', '2025-03-01', { previous: { id_number: wrong.id_number }, reason: 'correction' }),
  ];
  const outcome = await ingestBatch(events.map((value, i) => ({ kind: 'parsed' as const, value, source: `wl:${i}` })), runtime.pipeline, { receivedAt: Date.parse('2025-04-01T12:00:00+08:00') });
  expect(outcome.rejected).toEqual([]);
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('worklist kinds of the archive life', () => {
  it('lists both people of one archive number', async () => {
    const body = await issues('&kind=archive_no_shared');
    expect(body.counts_by_kind.archive_no_shared).toBe(2);
    expect(body.rows.map((r: { archive_no: string }) => r.archive_no)).toEqual([`${C1}00501`, `${C1}00501`]);
  });

  it('keeps the archive of the institution serving the latest residence, not the first established', async () => {
    const body = await issues('&kind=duplicate_archive');
    const rows = body.rows as { archive_no: string; institution_code: string; id_masked: string }[];
    const d = rows.find((r) => r.archive_no.startsWith(`${C1}00503`))!;
    expect(d.institution_code).toBe('H500104001');
    expect(d.archive_no).toMatch(new RegExp(`^${C1}00503 ← \\d{12}00502$`));
  });

  it('counts a linked person once, shown by the ID known now, with their two archives as a duplicate', async () => {
    const body = await issues('&kind=duplicate_archive');
    expect(body.counts_by_kind.duplicate_archive).toBe(2);
    const linked = (body.rows as { archive_no: string; id_masked: string }[]).find((r) => r.archive_no.includes('00505'))!;
    const right = makeId('500104', '19730101', '019');
    expect(linked.id_masked).toBe(`500104********${right.slice(14)}`);
    const coverage = await app.inject({ method: 'GET', url: '/v1/indicators/archive_coverage?year=2025' });
    expect(coverage.json().total.numerator).toBe(4); // A, B, D, and the corrected person once
  });
});
