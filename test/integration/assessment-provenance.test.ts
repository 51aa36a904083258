// A signed, reproducible assessment: every format carries its provenance, and POST
// /v1/reports/assessment/verify recomputes the figures as of then, on the real ClickHouse engine.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { makeId } from '../fixtures/ids.js';
import { buildScenario, type ScenarioEvent, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
let accepted: number;

const WEIGHTS: Record<string, number> = JSON.parse(readFileSync(new URL('../../pipelines/assessment.json', import.meta.url), 'utf8')).weights;
const C1 = '500104001001';

interface Row { code: string; numerator: number; denominator: number; score: number }
interface Provenance {
  definitions_version: string; year: number; region: string; by: string; evaluation_date: string; as_of: string | null; received_before: string;
  events_counted: number; figures_sha256: string;
  parameters: { indicators: Record<string, { target: number | null; parameters: Record<string, unknown> }>; weights: Record<string, number> };
}
interface Assessment { indicators: { id: string; rows: Row[]; total: Row }[]; scores: { rows: { code: string; score: number }[]; total: { code: string; score: number } }; provenance: Provenance }
interface Verdict { match: boolean; differences: { figure: string; given: number | null; recomputed: number | null }[]; problems: string[]; events_counted: { given: number; recomputed: number }; figures_sha256: { given: string; recomputed: string }; parameters_changed: string[] }

/** A resident archived in 2025 whose events arrive after the assessment was made. */
function lateEvents(): ScenarioEvent[] {
  const person = { id_number: makeId('500104', '19800101', '901'), name: '晚到', sex: 1 };
  return [{
    event_id: 'late-1', type: 'archive.created', schema_version: 1, occurred_at: '2025-03-01T10:00:00', institution_code: 'H500104001', person,
    data: { archive_no: `${C1}00901`, established_on: '2025-03-01', medium: 'electronic', residence: { division_code: C1, address: '钢花路9号' } },
  }];
}

async function assessment(query = ''): Promise<Assessment> {
  const res = await app.inject({ method: 'GET', url: `/v1/reports/assessment?year=2025${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function verify(payload: unknown): Promise<Verdict> {
  const res = await app.inject({ method: 'POST', url: '/v1/reports/assessment/verify', payload: payload as object });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_provenance');
  app = await buildApp(runtime);
  const streets = runtime.reference.childrenOf('500104002');
  const { events } = buildScenario(streets[0]!.code);
  expect((await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: scenarioPopulation(streets[0]!.code, streets[1]!.code) } })).statusCode).toBe(200);
  const posted = await app.inject({ method: 'POST', url: '/v1/events', payload: events });
  expect(posted.statusCode, posted.body).toBe(202);
  accepted = posted.json().accepted;
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('the provenance of an assessment', () => {
  let made: Assessment;
  let before: number;
  beforeAll(async () => {
    before = Date.now();
    made = await assessment();
  });

  it('names the definitions, the parameters and weights in force, the evaluation date and the events counted', () => {
    const p = made.provenance;
    expect(p).toMatchObject({ definitions_version: 'v2', year: 2025, region: '500104', by: 'street', evaluation_date: '2025-12-31', as_of: null, events_counted: accepted });
    expect(p.parameters.weights).toEqual(WEIGHTS);
    const bp = runtime.catalogue.find((i) => i.id === 'hypertension_standard_management')!;
    expect(p.parameters.indicators.hypertension_standard_management).toEqual({ target: bp.target, parameters: bp.parameters });
    expect(Object.keys(p.parameters.indicators).sort()).toEqual(runtime.catalogue.map((i) => i.id).sort());
  });

  it('fixes the receipt cut-off to the instant of evaluation when no as_of is given', () => {
    const cutoff = Date.parse(made.provenance.received_before);
    expect(cutoff).toBeGreaterThanOrEqual(before);
    expect(cutoff).toBeLessThanOrEqual(Date.now());
  });

  it('takes the end of the as_of day as the cut-off when one is given', async () => {
    const p = (await assessment('&as_of=2025-06-30')).provenance;
    expect(p).toMatchObject({ as_of: '2025-06-30', evaluation_date: '2025-06-30', received_before: '2025-06-30T15:59:59.999Z' });
    expect(p.events_counted).toBe(0);
  });

  it('carries the same provenance in the CSV (a block after the table) and the XLSX (sheet 出处)', async () => {
    const csv = await app.inject({ method: 'GET', url: '/v1/reports/assessment?year=2025&format=csv' });
    const [table, block] = csv.body.slice(1).split('\r\n\r\n');
    expect(table!.split('\r\n')[0]).toMatch(/^指标,/);
    const rows = new Map(block!.trimEnd().split('\r\n').map((line) => {
      const [marker, key, ...rest] = line.split(',');
      expect(marker).toBe('#出处 provenance');
      return [key!, rest.join(',')];
    }));
    expect(rows.get('figures_sha256')).toBe(made.provenance.figures_sha256);
    expect(rows.get('definitions_version')).toBe('v2');
    expect(rows.get('events_counted')).toBe(String(accepted));

    const xlsx = await app.inject({ method: 'GET', url: '/v1/reports/assessment?year=2025&format=xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('出处')!;
    const values = new Map<string, string>();
    sheet.eachRow((row, n) => { if (n > 1) values.set(String(row.getCell(1).value), String(row.getCell(2).value)); });
    expect(values.get('figures_sha256')).toBe(made.provenance.figures_sha256);
    expect(JSON.parse(values.get('parameters')!)).toEqual(made.provenance.parameters);
  });

  describe('verified after late events arrived', () => {
    beforeAll(async () => {
      const posted = await app.inject({ method: 'POST', url: '/v1/events', payload: lateEvents() });
      expect(posted.statusCode, posted.body).toBe(202);
      expect(posted.json().accepted).toBe(1);
    });

    it('the late events move today’s figures', async () => {
      const now = await assessment();
      expect(now.provenance.figures_sha256).not.toBe(made.provenance.figures_sha256);
      expect(now.provenance.events_counted).toBe(accepted + 1);
    });

    it('matches: the figures as of the cut-off are recomputed exactly', async () => {
      const verdict = await verify(made);
      expect(verdict).toMatchObject({ match: true, differences: [], problems: [], parameters_changed: [] });
      expect(verdict.figures_sha256.recomputed).toBe(made.provenance.figures_sha256);
      expect(verdict.events_counted).toEqual({ given: accepted, recomputed: accepted });
    });

    it('matches from the provenance alone (what a CSV or XLSX carries)', async () => {
      expect((await verify({ provenance: made.provenance })).match).toBe(true);
    });

    it('counts an event sent again once, before and after the cut-off', async () => {
      const streets = runtime.reference.childrenOf('500104002');
      const again = await app.inject({ method: 'POST', url: '/v1/events', payload: buildScenario(streets[0]!.code).events.slice(0, 3) });
      expect(again.statusCode, again.body).toBe(202);
      expect((await assessment()).provenance.events_counted).toBe(accepted + 1);
      expect((await verify(made)).events_counted).toEqual({ given: accepted, recomputed: accepted });
    });

    it('finds a tampered figure and names it', async () => {
      const tampered: Assessment = structuredClone(made);
      const coverage = tampered.indicators.find((i) => i.id === 'archive_coverage')!;
      const row = coverage.rows.find((r) => r.code === '500104001')!;
      row.numerator += 1;
      const verdict = await verify(tampered);
      expect(verdict.match).toBe(false);
      expect(verdict.differences).toEqual([{ figure: 'archive_coverage.500104001.numerator', given: row.numerator, recomputed: row.numerator - 1 }]);
      expect(verdict.problems).toContain('the figures sent do not hash to figures_sha256');
    });

    it('finds a tampered hash', async () => {
      const verdict = await verify({ ...made, provenance: { ...made.provenance, figures_sha256: '0'.repeat(64) } });
      expect(verdict.match).toBe(false);
      expect(verdict.differences).toEqual([]);
      expect(verdict.problems).toContain('the recomputed figures do not hash to figures_sha256');
    });

    it('recomputes with the parameters of the provenance, not those in force now', async () => {
      // Another weight set: the scores (and so the hash) differ from the assessment's.
      const weights = { ...made.provenance.parameters.weights, archive_coverage: made.provenance.parameters.weights.archive_coverage! - 1, archive_usage: made.provenance.parameters.weights.archive_usage! + 1 };
      const verdict = await verify({ provenance: { ...made.provenance, parameters: { ...made.provenance.parameters, weights } } });
      expect(verdict.match).toBe(false);
      expect(verdict.parameters_changed).toEqual(['weights']);
    });

    it.each([
      [{ definitions_version: 'v1' }, 'provenance.definitions_version'],
      [{ evaluation_date: '2024-12-31' }, 'provenance.evaluation_date'],
      [{ received_before: '2999-01-01T00:00:00.000Z' }, 'provenance.received_before'],
    ])('refuses %o with a 400 naming %s', async (change, parameter) => {
      const res = await app.inject({ method: 'POST', url: '/v1/reports/assessment/verify', payload: { provenance: { ...made.provenance, ...change } } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.parameter).toBe(parameter);
    });
  });
});
