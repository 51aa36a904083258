// format=arrow and format=parquet on the indicator, the worklist, the overdue list and the
// assessment: read back with apache-arrow (Arrow) and with chDB itself (Parquet, no JS reader
// here) and compared with the JSON answer, on the real ClickHouse engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { buildScenario, EXPECTED_2025, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
const dir = mkdtempSync(join(tmpdir(), 'hap-columnar-'));

type Row = Record<string, unknown>;

/** Arrow values as JSON gives them: dates as YYYY-MM-DD, 64-bit integers as numbers. */
function arrowRows(bytes: Buffer): Row[] {
  const table = tableFromIPC(bytes);
  const dates = new Set(table.schema.fields.filter((f) => String(f.type).startsWith('Date')).map((f) => f.name));
  return table.toArray().map((r) => Object.fromEntries(Object.entries(r.toJSON()).map(([k, v]) => [
    k, dates.has(k) && v !== null ? new Date(Number(v)).toISOString().slice(0, 10) : typeof v === 'bigint' ? Number(v) : v,
  ])));
}

/** Parquet read back by the engine that wrote it: chDB's file() table function. */
async function parquetRows(bytes: Buffer, name: string): Promise<Row[]> {
  const path = join(dir, `${name}.parquet`);
  writeFileSync(path, bytes);
  return queryRows<Row>(runtime.store.client, 'SELECT * FROM file({path:String}, Parquet)', { path });
}

async function download(url: string, format: 'arrow' | 'parquet') {
  const res = await app.inject({ method: 'GET', url: `${url}&format=${format}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe(format === 'arrow' ? 'application/vnd.apache.arrow.stream' : 'application/vnd.apache.parquet');
  expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename=".+\\.${format === 'arrow' ? 'arrows' : 'parquet'}"$`));
  return res.rawPayload;
}

async function json(url: string) {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_columnar');
  app = await buildApp(runtime);
  const streets = runtime.reference.childrenOf('500104002');
  const { events } = buildScenario(streets[0]!.code);
  expect((await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: scenarioPopulation(streets[0]!.code, streets[1]!.code) } })).statusCode).toBe(200);
  expect((await app.inject({ method: 'POST', url: '/v1/events', payload: events })).statusCode).toBe(202);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('GET /v1/indicators/{id} as Arrow and Parquet', () => {
  const url = '/v1/indicators/archive_coverage?year=2025&by=street';
  it.each(['arrow', 'parquet'] as const)('%s: the rows and the total of the JSON answer', async (format) => {
    const answer = await json(url);
    const bytes = await download(url, format);
    const rows = format === 'arrow' ? arrowRows(bytes) : await parquetRows(bytes, 'indicator');
    const expected = [...answer.rows.map((r: Row) => ({ ...r, is_total: false })), { ...answer.total, is_total: true }]
      .map((r) => ({ ...r, indicator: 'archive_coverage', year: 2025, evaluation_date: answer.period.evaluation_date, by: 'street' }));
    expect(rows).toEqual(expected);
    expect(rows.at(-1)).toMatchObject({ code: '500104', numerator: EXPECTED_2025.archive_coverage!.total[0], denominator: EXPECTED_2025.archive_coverage!.total[1] });
  });
});

describe('GET /v1/quality/issues as Arrow and Parquet', () => {
  const url = '/v1/quality/issues?year=2025&page_size=1000';
  it.each(['arrow', 'parquet'] as const)('%s: every row of the worklist, masked as in JSON', async (format) => {
    const answer = await json(url);
    expect(answer.rows.length).toBeGreaterThan(3);
    const bytes = await download(url, format);
    const rows = format === 'arrow' ? arrowRows(bytes) : await parquetRows(bytes, 'issues');
    expect(rows).toEqual(answer.rows);
    // Paging applies to JSON only: an export of page 2 of size 1 still lists every row.
    const all = await download('/v1/quality/issues?year=2025&page=2&page_size=1', format);
    expect((format === 'arrow' ? arrowRows(all) : await parquetRows(all, 'issues-all')).length).toBe(answer.total);
  });
});

describe('GET /v1/followups/overdue as Arrow and Parquet, written by ClickHouse', () => {
  // Today: the scenario's patients fell due in early 2026 (test/integration/quality.test.ts).
  const url = '/v1/followups/overdue?page_size=1000';
  it.each(['arrow', 'parquet'] as const)('%s: the rows of the JSON answer with dates as dates', async (format) => {
    const answer = await json(url);
    expect(answer.rows.length).toBeGreaterThan(0);
    const bytes = await download(url, format);
    const rows = format === 'arrow' ? arrowRows(bytes) : await parquetRows(bytes, 'overdue');
    expect(rows).toEqual(answer.rows);
    if (format === 'arrow') expect(String(tableFromIPC(bytes).schema.fields.find((f) => f.name === 'due_on')!.type)).toMatch(/^Date/);
  });
});

describe('GET /v1/reports/assessment as Arrow and Parquet', () => {
  it.each(['arrow', 'parquet'] as const)('%s: the table of the CSV, the provenance in the Arrow schema', async (format) => {
    const answer = await json('/v1/reports/assessment?year=2025');
    const bytes = await download('/v1/reports/assessment?year=2025', format);
    const rows = format === 'arrow' ? arrowRows(bytes) : await parquetRows(bytes, 'assessment');
    expect(rows).toHaveLength(runtime.catalogue.length * (8 + 1) + 8 + 1);
    const coverage = answer.indicators.find((i: { id: string }) => i.id === 'archive_coverage');
    const s1 = coverage.rows.find((r: Row) => r.code === '500104001');
    expect(rows[0]).toMatchObject({ indicator: '健康档案建档率', code: '500104001', numerator: s1.numerator, denominator: s1.denominator, rate: s1.rate, score: s1.score });
    expect(rows.at(-1)).toMatchObject({ indicator: '综合得分', code: '500104', numerator: null, score: answer.scores.total.score });
    if (format === 'arrow') {
      const provenance = JSON.parse(tableFromIPC(bytes).schema.metadata.get('provenance')!);
      expect(provenance.figures_sha256).toBe(answer.provenance.figures_sha256);
    }
  });
});

describe('exports in the audit log', () => {
  it('records every columnar download as an export', async () => {
    await download('/v1/indicators/archive_usage?year=2025&by=street', 'parquet');
    const audit = await json('/v1/audit?action=export&page_size=1000');
    const targets = audit.rows.map((r: { target: string }) => r.target);
    expect(targets).toContain('archive_usage-500104-2025-street.parquet');
    expect(targets.filter((t: string) => /^followups-overdue-500104-\d{4}-\d\d-\d\d\.arrows$/.test(t))).toHaveLength(1);
    expect(targets.filter((t: string) => t.startsWith('quality-issues-')).length).toBeGreaterThanOrEqual(4);
  });
});

describe('format on the JSON-only routes', () => {
  it('answers an unknown format with a 400 naming it', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/quality/issues?format=feather' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.parameter).toBe('format');
  });
});
