// The annual assessment and the phone-verification sample through the API, on the real ClickHouse
// engine with the hand-built scenario: figures as counted by hand, scores as computed by hand.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { buildScenario, EXPECTED_2025, type ScenarioEvent, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
let events: ScenarioEvent[];

const WEIGHTS: Record<string, number> = JSON.parse(readFileSync(new URL('../../pipelines/assessment.json', import.meta.url), 'utf8')).weights;
const HEADER = '指标,指标名称(英文),地区代码,地区名称,分子,分母,率,目标,权重,得分,计算公式';

interface ScoredRow { code: string; numerator: number; denominator: number; rate: number | null; score: number }
interface AssessmentBody {
  max_score: number;
  indicators: { id: string; weight: number; target: number | null; rows: ScoredRow[]; total: ScoredRow }[];
  scores: { rows: { code: string; score: number }[]; total: { code: string; score: number } };
}
interface SampleBody { seed: number; services: { service: string; eligible: number; rows: { id_masked: string; name_masked: string; archive_no: string }[] }[] }

async function get(url: string) {
  return app.inject({ method: 'GET', url });
}

async function sample(query: string): Promise<SampleBody> {
  const res = await get(`/v1/reports/assessment/sample?year=2025&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_reports');
  app = await buildApp(runtime);
  const streets = runtime.reference.childrenOf('500104002');
  const [c2, c2b] = [streets[0]!.code, streets[1]!.code];
  ({ events } = buildScenario(c2));
  const put = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: scenarioPopulation(c2, c2b) } });
  expect(put.statusCode, put.body).toBe(200);
  const posted = await app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(posted.statusCode, posted.body).toBe(202);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('GET /v1/reports/assessment', () => {
  let body: AssessmentBody;
  beforeAll(async () => {
    const res = await get('/v1/reports/assessment?year=2025&region=500104');
    expect(res.statusCode, res.body).toBe(200);
    body = res.json();
  });

  it('has every indicator with the hand-counted figures of street 500104001 and the county', () => {
    expect(body.indicators.map((i) => i.id).sort()).toEqual(Object.keys(EXPECTED_2025).sort());
    for (const indicator of body.indicators) {
      const expected = EXPECTED_2025[indicator.id]!;
      const s1 = indicator.rows.find((r) => r.code === '500104001')!;
      expect([s1.numerator, s1.denominator], indicator.id).toEqual(expected.s1);
      expect([indicator.total.numerator, indicator.total.denominator], indicator.id).toEqual(expected.total);
      expect(indicator.weight).toBe(WEIGHTS[indicator.id]);
    }
    expect(body.max_score).toBe(100);
  });

  it('scores the county as the weighted sum computed by hand', () => {
    let expected = 0;
    for (const [id, { total: [n, d] }] of Object.entries(EXPECTED_2025)) {
      const target = runtime.catalogue.find((i) => i.id === id)!.target;
      if (d === 0) continue;
      expected += WEIGHTS[id]! * Math.min(1, target === null ? n / d : n / d / target);
    }
    expect(body.scores.total.score).toBeCloseTo(expected, 9);
    expect(body.scores.total.code).toBe('500104');
  });

  it('scores each street as the sum of its indicator scores; nothing counted scores nothing', () => {
    const s2 = body.scores.rows.find((r) => r.code === '500104002')!;
    const byHand = body.indicators.reduce((s, i) => s + i.rows.find((r) => r.code === '500104002')!.score, 0);
    expect(s2.score).toBeCloseTo(byHand, 9);
    const hypertension = body.indicators.find((i) => i.id === 'hypertension_standard_management')!;
    expect(hypertension.rows.find((r) => r.code === '500104002')).toMatchObject({ denominator: 0, rate: null, score: 0 });
    expect(body.scores.rows).toHaveLength(8);
  });

  it('groups by institution', async () => {
    const res = await get('/v1/reports/assessment?year=2025&by=institution');
    expect(res.statusCode, res.body).toBe(200);
    const coverage = (res.json() as AssessmentBody).indicators.find((i) => i.id === 'archive_coverage')!;
    const h1 = coverage.rows.find((r) => r.code === 'H500104001')!;
    // P2's duplicate archive to keep is H500104001's (it serves his street): 7, not 6 as in v1.
    expect([h1.numerator, h1.denominator]).toEqual([7, 10]);
    expect(h1.score).toBeCloseTo(WEIGHTS.archive_coverage! * 0.7, 9);
  });

  it('downloads as CSV: UTF-8 BOM, Chinese header, one row per indicator × street plus totals', async () => {
    const res = await get('/v1/reports/assessment?year=2025&format=csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assessment-500104-2025.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // The table, then its provenance after an empty line (test/integration/assessment-provenance.test.ts).
    const lines = res.body.slice(1).split('\r\n\r\n')[0]!.trimEnd().split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(1 + runtime.catalogue.length * (8 + 1) + 8 + 1);
    // No target: scored against 100% (8 × 0.6).
    expect(lines.filter((l) => l.startsWith('健康档案建档率,Health archive coverage,500104001,新山村街道,6,10,60.0%,无,8,4.80,'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^综合得分,Total score,500104,大渡口区（合计）,,,,,100,\d+\.\d\d,/);
  });

  it('downloads as XLSX with a sheet 考核汇总 and Chinese headers', async () => {
    const res = await get('/v1/reports/assessment?year=2025&format=xlsx&region=500104001');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="assessment-500104001-2025.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('考核汇总')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1).join(',')).toBe(HEADER);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const coverage = sheet.getRow(2);
    expect(coverage.getCell(3).value).toBe('500104001');
    expect(coverage.getCell(7).value).toBeCloseTo(0.6, 9);
    expect(coverage.getCell(7).numFmt).toBe('0.0%');
  });

  it.each([
    ['format=pdf', 'format'],
    ['year=abc', 'year'],
    ['year=2999', 'year'],
    ['region=123', 'region'],
    ['region=500104999', 'region'],
    ['by=community', 'by'],
    ['region=500104001001&by=street', 'by'],
    ['as_of=2024-01-01', 'as_of'],
  ])('answers %s with a 400 naming %s', async (query, parameter) => {
    const res = await get(`/v1/reports/assessment?year=2025&${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', details: { parameter } });
  });
});

describe('GET /v1/reports/assessment/sample', () => {
  it('draws the same people for the same seed and others for another seed', async () => {
    const first = await sample('seed=42&service=archive');
    expect(await sample('seed=42&service=archive')).toEqual(first);
    const ids = (s: SampleBody) => s.services[0]!.rows.map((r) => r.archive_no);
    expect(ids(first)).toHaveLength(8);
    const others = await Promise.all([1, 2, 3].map((seed) => sample(`seed=${seed}&service=archive`)));
    expect(others.some((o) => ids(o).join() !== ids(first).join())).toBe(true);
    // Fewer than all: the seed chooses who, not only the order.
    const small = await Promise.all([42, 1, 2, 3].map((seed) => sample(`seed=${seed}&service=archive&size=3`)));
    expect(new Set(small.map((s) => [...ids(s)].sort().join())).size).toBeGreaterThan(1);
  });

  it('samples every service from the people it serves, at most `size` each', async () => {
    const body = await sample('seed=7&size=2');
    const eligible = Object.fromEntries(body.services.map((s) => [s.service, s.eligible]));
    expect(eligible).toEqual({
      archive: EXPECTED_2025.archive_coverage!.total[0],
      hypertension: EXPECTED_2025.hypertension_standard_management!.total[1],
      diabetes: EXPECTED_2025.diabetes_standard_management!.total[1],
      elderly: EXPECTED_2025.elderly_health_management!.total[0],
      child: EXPECTED_2025.child_health_management!.total[0],
      maternal: EXPECTED_2025.postpartum_visit!.total[0],
      severe_mental_disorder: EXPECTED_2025.smd_standard_management!.total[1],
      tuberculosis: EXPECTED_2025.tb_management!.total[1],
    });
    for (const s of body.services) expect(s.rows.length).toBe(Math.min(2, s.eligible));
  });

  it('shows masked fields only, never a plaintext ID or name', async () => {
    const res = await get('/v1/reports/assessment/sample?year=2025&seed=7&size=500');
    const csv = await get('/v1/reports/assessment/sample?year=2025&seed=7&size=500&format=csv');
    for (const text of [res.body, csv.body]) {
      for (const e of events) {
        const person = e.person as { id_number: string; name: string };
        expect(text).not.toContain(person.id_number);
        expect(text).not.toContain(person.name);
      }
      expect(text).not.toContain('person_key');
    }
    const hypertension = (res.json() as SampleBody).services.find((s) => s.service === 'hypertension')!;
    expect(hypertension.rows).toContainEqual(expect.objectContaining({ id_masked: '110105********002X', name_masked: '张*', archive_no: '50010400100100001' }));
  });

  it('downloads as CSV with the BOM and Chinese headers, and echoes a chosen seed', async () => {
    const res = await get('/v1/reports/assessment/sample?year=2025&seed=9&service=hypertension,diabetes&format=csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body.startsWith('\uFEFF服务,身份证号(脱敏),姓名(脱敏),性别,年龄,社区代码,社区名称,机构代码,机构名称,档案编号,最近服务日期\r\n')).toBe(true);
    expect(res.body.trimEnd().split('\r\n')).toHaveLength(1 + 3 + 1);
    const chosen = await sample('service=child');
    expect(chosen.seed).toEqual(expect.any(Number));
    expect(await sample(`service=child&seed=${chosen.seed}`)).toEqual(chosen);
  });

  it.each([
    ['size=0', 'size'],
    ['size=501', 'size'],
    ['seed=-1', 'seed'],
    ['service=archive,dentistry', 'service'],
    ['format=xlsx', 'format'],
    ['region=99', 'region'],
    ['year=1999', 'year'],
  ])('answers %s with a 400 naming %s', async (query, parameter) => {
    const res = await get(`/v1/reports/assessment/sample?year=2025&${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', details: { parameter } });
  });
});
