// format=csv and format=xlsx on the quality worklist and the overdue list: parsed back (csv-parse,
// exceljs) and compared with the JSON answer, row by row, on the real ClickHouse engine; masked
// as the JSON is, recorded as exports, documented in the OpenAPI document, scoped like the list.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createToken } from '../../src/auth/token-store.js';
import type { Runtime } from '../../src/runtime.js';
import { ISSUE_SHEET_COLUMNS, issueSheet, OVERDUE_SHEET_COLUMNS, sheetDownload } from '../../src/quality/worklist-sheets.js';
import { buildScenario, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;

type Row = Record<string, unknown>;
const ISSUES = '/v1/quality/issues?year=2025';
// Today: the scenario's patients fell due in early 2026 (test/integration/quality.test.ts).
const OVERDUE = '/v1/followups/overdue?';

async function json(url: string) {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function download(url: string, format: 'csv' | 'xlsx') {
  const res = await app.inject({ method: 'GET', url: `${url}&format=${format}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="[a-z-]+-500104\\d*-\\d{4}-\\d\\d-\\d\\d\\.${format}"$`));
  return res.rawPayload;
}

/** CSV → header and rows of text; a 17-digit archive number written as ="…" read back as its digits. */
function csvTable(bytes: Buffer): { header: string[]; rows: string[][] } {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parse(bytes.toString('utf8'), { bom: true, relax_column_count: false }) as string[][];
  return { header: header!, rows: rows.map((r) => r.map((c) => c.replace(/^="(\d+)"$/, '$1'))) };
}

/** XLSX → the one sheet's header and rows as exceljs reads them (empty cells as null). */
async function xlsxTable(bytes: Buffer, name: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((s) => s.name)).toEqual([name]);
  const sheet = workbook.getWorksheet(name)!;
  const width = sheet.getRow(1).cellCount;
  const values = (n: number) => Array.from({ length: width }, (_v, i) => sheet.getRow(n).getCell(i + 1).value ?? null);
  return { sheet, header: values(1), rows: Array.from({ length: sheet.rowCount - 1 }, (_v, i) => values(i + 2)) };
}

const placeName = (code: string) => runtime.reference.divisions.get(code)?.name ?? runtime.reference.divisions.get(code.slice(0, 9))?.name ?? '';
const institutionName = (code: string) => runtime.reference.institutions.get(code)?.name ?? '';

/** A JSON issue row as the spreadsheet lists it, blank for null (CSV) or null (XLSX). */
const issueCells = (r: Row, blank: '' | null) => [
  r.label_zh, r.kind, r.name_masked, r.id_masked, r.division_code, placeName(r.division_code as string),
  r.institution_code, institutionName(r.institution_code as string), r.archive_no, r.detail, r.on_date ?? blank, r.person_ref,
].map((c) => (c === '' ? blank : c));

const PROGRAMS_ZH: Record<string, string> = { hypertension: '高血压', diabetes: '2型糖尿病', severe_mental_disorder: '严重精神障碍', tuberculosis: '肺结核', child: '儿童', maternal: '孕产妇', elderly: '老年人' };
const overdueCells = (r: Row, blank: '' | null, days: number | string) => [
  PROGRAMS_ZH[r.program as string], r.program, r.last_followup_on === null ? '从未随访 never' : '逾期 late', r.name_masked, r.id_masked,
  r.division_code, placeName(r.division_code as string), r.institution_code, institutionName(r.institution_code as string),
  r.last_followup_on ?? blank, r.due_on, days, r.person_ref,
].map((c) => (c === '' ? blank : c));

// The overdue list sorts by days overdue, region and masked ID: a person in two programs ties.
const sorted = (rows: unknown[][]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

beforeAll(async () => {
  runtime = await openTestRuntime('it_worklist_exports');
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

describe('GET /v1/quality/issues as CSV and XLSX', () => {
  it('CSV: UTF-8 with BOM, Chinese headers, every row of the JSON answer masked the same', async () => {
    const answer = await json(`${ISSUES}&page_size=1000`);
    expect(answer.rows.length).toBeGreaterThan(3);
    const { header, rows } = csvTable(await download(`${ISSUES}&page_size=1000`, 'csv'));
    expect(header).toEqual(ISSUE_SHEET_COLUMNS.map((c) => c.header));
    expect(header[0]).toBe('问题类型 Kind');
    expect(rows).toEqual(answer.rows.map((r: Row) => issueCells(r, '')));
    // The names beside the codes come from the reference data: none is left blank here.
    expect(rows.every((r) => r[5] !== '' && (r[6] === '' || r[7] !== ''))).toBe(true);
    // Masked: no full 18-character ID number anywhere in the file.
    expect(rows.flat().some((c) => /\b\d{17}[\dX]\b/.test(c))).toBe(false);
  });

  it('XLSX: one sheet 质量问题清单 with a bold frozen header and filter buttons, the rows of the JSON answer', async () => {
    const answer = await json(`${ISSUES}&page_size=1000`);
    const { sheet, header, rows } = await xlsxTable(await download(`${ISSUES}&page_size=1000`, 'xlsx'), '质量问题清单');
    expect(header).toEqual(ISSUE_SHEET_COLUMNS.map((c) => c.header));
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(rows).toEqual(answer.rows.map((r: Row) => issueCells(r, null)));
    // A 17-digit archive number stays text with every digit.
    const archive = rows.map((r) => r[8]).find((c) => typeof c === 'string' && /^\d{17}$/.test(c));
    expect(archive).toBeDefined();
  });

  it('applies the filters and ignores paging: page 2 of size 1 still lists every row of the kind', async () => {
    const answer = await json(`${ISSUES}&kind=missing_basic_fields&page_size=1000`);
    expect(answer.total).toBeGreaterThan(1);
    const { rows } = csvTable(await download(`${ISSUES}&kind=missing_basic_fields&page=2&page_size=1`, 'csv'));
    expect(rows).toHaveLength(answer.total);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['missing_basic_fields']));
    const street = runtime.reference.childrenOf('500104002')[0]!.code;
    const mine = await json(`${ISSUES}&region=${street}&page_size=1000`);
    const { rows: streetRows } = await xlsxTable(await download(`${ISSUES}&region=${street}`, 'xlsx'), '质量问题清单');
    expect(streetRows).toHaveLength(mine.total);
  });

  it('writes text that looks like a formula with a leading apostrophe (CSV and XLSX)', async () => {
    const hostile = { kind: 'missing_basic_fields', label_zh: '基本信息缺项', person_ref: 'x', id_masked: '500104********1234', name_masked: '张*', institution_code: 'H500104001', division_code: '500104001001', archive_no: '=1+1', detail: '@SUM(A1)', on_date: null };
    const sheet = issueSheet(runtime.reference, [hostile]);
    const csv = (await sheetDownload(sheet, 'csv')) as string;
    expect(csv.split('\r\n')[1]).toContain(",'=1+1,'@SUM(A1),");
    const { rows } = await xlsxTable((await sheetDownload(sheet, 'xlsx')) as Buffer, '质量问题清单');
    expect(rows[0]!.slice(8, 10)).toEqual(["'=1+1", "'@SUM(A1)"]);
  });
});

describe('GET /v1/followups/overdue as CSV and XLSX', () => {
  it('CSV: the rows of the JSON answer, people never followed up said in words', async () => {
    const answer = await json(`${OVERDUE}page_size=1000`);
    expect(answer.rows.length).toBeGreaterThan(0);
    const { header, rows } = csvTable(await download(`${OVERDUE}page_size=1000`, 'csv'));
    expect(header).toEqual(OVERDUE_SHEET_COLUMNS.map((c) => c.header));
    expect(sorted(rows)).toEqual(sorted(answer.rows.map((r: Row) => overdueCells(r, '', String(r.days_overdue)))));
    expect(rows.filter((r) => r[2] === '从未随访 never')).toHaveLength(answer.rows.filter((r: Row) => r.last_followup_on === null).length);
  });

  it('XLSX: one sheet 逾期随访, days overdue as numbers', async () => {
    const answer = await json(`${OVERDUE}page_size=1000`);
    const { sheet, header, rows } = await xlsxTable(await download(`${OVERDUE}page=3&page_size=1`, 'xlsx'), '逾期随访');
    expect(header).toEqual(OVERDUE_SHEET_COLUMNS.map((c) => c.header));
    expect(sheet.autoFilter).toBeTruthy();
    expect(sorted(rows)).toEqual(sorted(answer.rows.map((r: Row) => overdueCells(r, null, r.days_overdue as number))));
    expect(rows.every((r) => typeof r[11] === 'number')).toBe(true);
  });

  it('answers an unknown format with a 400 naming it', async () => {
    for (const url of [`${OVERDUE}format=pdf`, `${ISSUES}&format=xls`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.parameter).toBe('format');
    }
  });
});

describe('downloads on record and in the OpenAPI document', () => {
  it('records every CSV and XLSX download in the audit log as an export', async () => {
    await download(`${ISSUES}&kind=duplicate_archive`, 'csv');
    await download(`${OVERDUE}program=hypertension`, 'xlsx');
    const audit = await json('/v1/audit?action=export&page_size=1000');
    const targets: string[] = audit.rows.map((r: { target: string }) => r.target);
    expect(targets.filter((t) => /^quality-issues-500104-2025-\d\d-\d\d\.csv$/.test(t)).length).toBeGreaterThanOrEqual(3);
    expect(targets.filter((t) => /^followups-overdue-500104-\d{4}-\d\d-\d\d\.xlsx$/.test(t)).length).toBeGreaterThanOrEqual(2);
    const row = audit.rows.find((r: { target: string; details: string }) => r.target.endsWith('.xlsx') && r.target.startsWith('followups'));
    expect(JSON.stringify(row)).toContain('hypertension');
  });

  it('documents csv and xlsx on both lists', async () => {
    const doc = await json('/docs/json');
    for (const path of ['/v1/quality/issues', '/v1/followups/overdue']) {
      const op = doc.paths[path].get;
      expect(Object.keys(op.responses['200'].content), path).toEqual(expect.arrayContaining(['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']));
      const format = op.parameters.find((p: { name: string }) => p.name === 'format');
      expect(format.schema.enum, path).toEqual(['json', 'csv', 'xlsx', 'arrow', 'parquet']);
    }
  });
});

describe('scope', () => {
  let secured: FastifyInstance;
  beforeAll(async () => {
    secured = await buildApp({ ...runtime, config: { ...runtime.config, auth: { ...runtime.config.auth, enabled: true } } } as Runtime);
  });
  afterAll(async () => secured?.close());

  it("an institution user's download lists their institution only, as their JSON does", async () => {
    const { token } = await createToken(runtime.store.client, { role: 'institution_user', scopeCode: 'H500104001', label: 'worklist export test' });
    const get = (url: string) => secured.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const mine = (await get(`${ISSUES}&page_size=1000`)).json();
    expect(mine.total).toBeGreaterThan(0);
    const res = await get(`${ISSUES}&format=csv`);
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = csvTable(res.rawPayload);
    expect(rows).toHaveLength(mine.total);
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(['H500104001']));
    expect((await get(`${ISSUES}&format=xlsx&institution=H500104002`)).statusCode).toBe(403);
  });
});
