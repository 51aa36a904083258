// The six pages in a real headless browser (Debian's chromium driven by playwright-core) against
// the real app listening on a loopback port over a small synthetic district on the real engine,
// with access control on: each page shows the numbers the API answers; a drill-down, a filter, a
// page change, downloads and the print view work; a street supervisor sees only their street;
// no request leaves the machine. Screenshots, downloads and the PDF go to test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createToken } from '../../src/auth/token-store.js';
import { launchChromium, type RequestWatch, viewDrawn, watchRequests } from '../../src/bench/browser.js';
import { loadSyntheticDistrict } from '../../src/cli/commands/start.js';
import { DASHBOARDS_DIR } from '../../src/dashboards/dashboard-loader.js';
import { takeSnapshot } from '../../src/jobs/indicator-snapshot.js';
import { todayInBeijing } from '../../src/metrics/evaluation-period.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestRuntime } from './bootstrap.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SCREENSHOTS = join(ARTIFACTS, 'screenshots');
const DOWNLOADS = join(ARTIFACTS, 'downloads');
const STREET = '500104002';

// The pages' own formatting (pure modules): expected text is computed from the API's JSON with it.
// biome-ignore lint/suspicious/noExplicitAny: plain ES module of the pages, without types
const format: any = await import(pathToFileURL(join(DASHBOARDS_DIR, 'assets', 'format.js')).href);

let runtime: Runtime;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let supervisor: string;
const watches: RequestWatch[] = [];

// biome-ignore lint/suspicious/noExplicitAny: API answers, checked field by field
type Json = Record<string, any>;

/** The API's answer to the district supervisor (or another token). */
async function api(url: string, token = supervisor): Promise<Json> {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
}

/** A browser tab; with a token the tab starts with it (as after the token dialog), else it asks. */
async function openContext(token?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  watches.push(await watchRequests(context));
  if (token) await context.addInitScript(`sessionStorage.setItem('hap.token', ${JSON.stringify(token)})`);
  return context;
}

/** Opens a page and waits until every panel has drawn; no panel may show a problem. */
async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  await viewDrawn(page);
  return page;
}

async function problems(page: Page): Promise<string[]> {
  return page.locator('#panels .problem').allTextContents();
}

/** The text of every body row of a table, cell by cell (th and td). */
const rowsOf = (table: Locator) => cellsOf(table.locator('tbody tr'));

/** The text of the rows given, cell by cell. */
async function cellsOf(rows: Locator): Promise<string[][]> {
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
}

async function headOf(table: Locator): Promise<string[]> {
  return table.locator('thead tr').last().evaluate((tr) => [...tr.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** What the page fetched (the browser's resource timing). */
const resources = (page: Page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The page's year (its default: the browser's current year). */
const yearOf = async (page: Page) => Number(await page.locator('#filters input[type=number]').inputValue());

/** An indicator table row as the drill-down shows it: name, numerator, denominator, rate. */
const figureRow = (r: Json, name: string) => [name, format.int(r.numerator), format.int(r.denominator), format.rateText(r)];

/** The street/town columns of the scorecard: every group of any indicator, in order of appearance. */
const groupsOf = (a: Json): string[] => [...new Set<string>(a.indicators.flatMap((i: Json) => i.rows.map((r: Json) => r.code)))];

/** The scorecard's rows from the assessment: indicator, target, a rate per street/town, the total. */
function scorecardRows(a: Json): string[][] {
  const none = { numerator: 0, denominator: 0, rate: null, data_problem: null };
  return a.indicators.map((i: Json) => [
    `${i.name_zh}${i.name_en}`,
    format.pct(i.target),
    ...groupsOf(a).map((code) => format.rateText(i.rows.find((r: Json) => r.code === code) ?? none)),
    format.rateText(i.total),
  ]);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(DOWNLOADS, { recursive: true });
  runtime = await openTestRuntime('it_pages_browser', { HAP_AUTH: 'on' });
  await loadSyntheticDistrict(runtime, { seed: 7, scale: 0.01 });
  await runtime.state!.start();
  // Trends read the nightly snapshots: the end of last month (when in this year) and today.
  const today = todayInBeijing();
  const monthEnd = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, 0)).toISOString().slice(0, 10);
  for (const date of monthEnd.slice(0, 4) === today.slice(0, 4) ? [monthEnd, today] : [today]) await takeSnapshot(runtime, date, { levels: ['county', 'street'] });
  app = await buildApp(runtime);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  supervisor = (await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'browser test' })).token;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await runtime?.close();
});

describe('each page shows the numbers of the API', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await openContext(supervisor);
  });
  afterAll(async () => context?.close());

  it('考核总览: every indicator × street/town cell is the assessment rate, coloured, with its figures on hover', async () => {
    const page = await open(context, '/');
    await shot(page, 'overview');
    expect(await problems(page)).toEqual([]);
    const a = await api(`/v1/reports/assessment?year=${await yearOf(page)}&by=street`);
    const table = page.locator('table.scorecard');
    const groups = groupsOf(a);
    expect(await rowsOf(table)).toEqual(scorecardRows(a));
    expect(groups.length).toBeGreaterThanOrEqual(8);
    // Hover: numerator and denominator of the first street's first indicator.
    const first = a.indicators[0].rows.find((r: Json) => r.code === groups[0]);
    expect(await table.locator('tbody tr').first().locator('td.cell').first().getAttribute('title')).toContain(`分子 numerator ${format.int(first.numerator)}`);
    expect(await table.locator('td.cell[data-status="green"], td.cell[data-status="amber"], td.cell[data-status="red"]').count()).toBeGreaterThan(0);
    // No chart here: the 1 MB chart library is not fetched.
    expect(await resources(page)).not.toContainEqual(expect.stringContaining('echarts'));
  });

  it('逐级下钻: the indicator by street/town, its formula, a bar chart', async () => {
    const page = await open(context, '/pages/drilldown');
    await shot(page, 'drilldown');
    expect(await problems(page)).toEqual([]);
    const { indicators } = await api('/v1/indicators');
    const answer = await api(`/v1/indicators/${indicators[0].id}?year=${await yearOf(page)}&by=street`);
    const rows = (await rowsOf(page.locator('#panels table'))).map((r) => r.slice(0, 4));
    expect(rows).toEqual([...answer.rows.map((r: Json) => figureRow(r, format.nameWithCode(r.name, r.code))), figureRow(answer.total, `${answer.region.name} 合计 total`)]);
    expect(await page.locator('#panels .formula').textContent()).toContain(indicators[0].formula_zh);
    expect(await page.locator('#panels .chart canvas').count()).toBeGreaterThan(0);
    expect(await resources(page)).toContainEqual(expect.stringContaining('/assets/vendor/echarts.min.js'));
  });

  it('月度趋势: the monthly values of the nightly snapshots, one line per street/town', async () => {
    const page = await open(context, '/pages/trends');
    await shot(page, 'trends');
    expect(await problems(page)).toEqual([]);
    const { indicators } = await api('/v1/indicators');
    const answer = await api(`/v1/indicators/${indicators[0].id}/trend?year=${await yearOf(page)}&by=street`);
    expect(answer.months.length).toBeGreaterThan(0);
    const table = page.locator('#panels table');
    expect(await headOf(table)).toEqual(['名称 Name', ...answer.months]);
    const series = [...answer.rows, { ...answer.total, name: `${answer.total.name} 合计 total` }];
    const cell = (s: Json, m: string) => {
      const p = s.points.find((x: Json) => x.month === m);
      return p ? format.rateText(p) : '无快照 no snapshot';
    };
    expect(await rowsOf(table)).toEqual(series.map((s: Json) => [format.nameWithCode(s.name, s.code), ...answer.months.map((m: string) => cell(s, m))]));
    expect(await page.locator('#panels .chart canvas').count()).toBeGreaterThan(0);
  });

  it('工作清单: the first page of the worklist and the overdue count, masked as the API answers', async () => {
    const page = await open(context, '/pages/worklists');
    await shot(page, 'worklists');
    expect(await problems(page)).toEqual([]);
    const issues = await api(`/v1/quality/issues?year=${await yearOf(page)}&page=1&page_size=50`);
    expect(issues.rows.length).toBeGreaterThan(0);
    const rows = await rowsOf(page.locator('#panel-issues table'));
    expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual(issues.rows.map((r: Json) => [r.label_zh, r.name_masked, r.id_masked, r.archive_no]));
    expect(await page.locator('#panel-issues .pager').textContent()).toContain(`共 ${format.int(issues.total)} 条`);
    const overdue = await api('/v1/followups/overdue?page=1&page_size=50');
    expect(await page.locator('#panel-overdue .meta').textContent()).toContain(`共 ${format.int(overdue.total)} 人`);
    // Masked: no full ID number on the page.
    expect(await page.locator('#panels').textContent()).not.toMatch(/\b\d{17}[\dX]\b/);
  });

  it('年度考核: the 考核表 with every street/town, its total score as the API scores it', async () => {
    const page = await open(context, '/pages/assessment');
    await shot(page, 'assessment');
    expect(await problems(page)).toEqual([]);
    const a = await api(`/v1/reports/assessment?year=${await yearOf(page)}&by=street`);
    const table = page.locator('.screen-only table.assessment');
    expect(await table.locator('tr.title').textContent()).toContain(`${a.region.name} ${a.period.year} 年度`);
    const located = await cellsOf(table.locator('tbody tr.group'));
    expect(located.length).toBe(8);
    for (const row of located) {
      const code = /\((\d+)\)$/.exec(row[1]!)?.[1];
      const scored = a.scores.rows.find((r: Json) => r.code === code);
      expect(row.at(-2), row[1]).toBe(format.score(scored.score));
      // Each indicator a column group of six: 分子 分母 率 目标 得分 达标.
      expect(row).toHaveLength(2 + a.indicators.length * 6 + 2);
    }
    expect((await cellsOf(table.locator('tbody tr.total')))[0]!.at(-2)).toBe(format.score(a.scores.total.score));
  });

  it('数据接收: open rejections and the institutions sending', async () => {
    const page = await open(context, '/pages/intake');
    await shot(page, 'intake');
    expect(await problems(page)).toEqual([]);
    const rejections = await api('/v1/rejections?status=open&page_size=1');
    expect(rejections.total).toBeGreaterThan(0);
    expect(await page.locator('#panels .meta').first().textContent()).toBe(`未修正的退回事件 open rejections: ${format.int(rejections.total)}`);
    const byInstitution = Object.entries(rejections.by_institution as Record<string, number>).map(([code, n]) => [format.nameWithCode(runtime.reference.institutions.get(code)?.name ?? '', code), format.int(n)]);
    expect(await rowsOf(page.locator('.panel-rejections table').last())).toEqual(byInstitution);
    const freshness = await api('/v1/quality/freshness');
    expect(freshness.rows.length).toBeGreaterThan(0);
    expect(await rowsOf(page.locator('.panel-freshness table'))).toHaveLength(freshness.rows.length);
  });
});

describe('interactions', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await openContext(supervisor);
  });
  afterAll(async () => context?.close());

  it('a click on an overview cell drills down to the communities, and a community to its institutions', async () => {
    const page = await open(context, '/');
    const year = await yearOf(page);
    const a = await api(`/v1/reports/assessment?year=${year}&by=street`);
    const indicator = a.indicators[0];
    const street = indicator.rows[0].code;
    await Promise.all([page.waitForURL(/\/pages\/drilldown\?/), page.locator('table.scorecard tbody tr').first().locator('td.cell a').first().click()]);
    await viewDrawn(page);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ indicator: indicator.id, region: street, by: 'community' });
    const communities = await api(`/v1/indicators/${indicator.id}?year=${year}&region=${street}&by=community`);
    expect(communities.rows.length).toBeGreaterThan(1);
    const names = (await rowsOf(page.locator('#panels table'))).map((r) => r[0]);
    expect(names).toEqual([...communities.rows.map((r: Json) => format.nameWithCode(r.name, r.code)), `${communities.region.name} 合计 total`]);

    const community = communities.rows.find((r: Json) => /^\d{12}$/.test(r.code));
    await page.locator('#panels table tbody a', { hasText: `(${community.code})` }).click();
    await viewDrawn(page);
    expect(new URL(page.url()).searchParams.get('region')).toBe(community.code);
    const institutions = await api(`/v1/indicators/${indicator.id}?year=${year}&region=${community.code}&by=institution`);
    expect((await rowsOf(page.locator('#panels table'))).map((r) => r.slice(1, 4))).toEqual(
      [...institutions.rows, institutions.total].map((r: Json) => [format.int(r.numerator), format.int(r.denominator), format.rateText(r)]),
    );
    // The breadcrumb leads back up to the street/town.
    await page.locator('nav.crumbs a').last().click();
    await viewDrawn(page);
    expect(new URL(page.url()).searchParams.get('region')).toBe(street);
  });

  it('a kind filter on the worklist lists that kind only, a page change the next rows, and the CSV button downloads them', async () => {
    const page = await open(context, '/pages/worklists');
    const year = await yearOf(page);
    const all = await api(`/v1/quality/issues?year=${year}&page_size=50`);
    // A kind with more than one page of rows, fewer than all.
    const [kind, count] = Object.entries(all.counts_by_kind as Record<string, number>).filter(([, n]) => n > 50 && n < all.total).sort((x, y) => y[1] - x[1])[0]!;
    const label = all.kinds.find((k: Json) => k.kind === kind).label_zh;
    await page.locator('#filters label', { hasText: '问题类型' }).locator('select').selectOption(kind);
    await viewDrawn(page);
    expect(new URL(page.url()).searchParams.get('kind')).toBe(kind);
    const rows = await rowsOf(page.locator('#panel-issues table'));
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([label]));
    expect(await page.locator('#panel-issues .pager').textContent()).toContain(`共 ${format.int(count)} 条`);

    // Turning the worklist's page asks for that page only: the overdue list stays as it is.
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => asked.push(request.url());
    page.on('request', onRequest);
    await page.locator('#panel-issues .pager button', { hasText: '下一页' }).click();
    await viewDrawn(page);
    page.off('request', onRequest);
    expect(asked.filter((u) => u.includes('/v1/quality/issues?'))).toHaveLength(1);
    expect(asked.filter((u) => u.includes('/v1/followups/overdue'))).toEqual([]);
    expect(new URL(page.url()).searchParams.get('issues_page')).toBe('2');
    const second = await api(`/v1/quality/issues?year=${year}&kind=${kind}&page=2&page_size=50`);
    expect((await rowsOf(page.locator('#panel-issues table'))).map((r) => r[2])).toEqual(second.rows.map((r: Json) => r.id_masked));

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#panel-issues button[data-format="csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^quality-issues-500104-\d{4}-\d\d-\d\d\.csv$/);
    const file = join(DOWNLOADS, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = parse(bytes.toString('utf8'), { bom: true }) as string[][];
    expect(header![0]).toBe('问题类型 Kind');
    // Every row of the filtered list, not the page shown.
    expect(lines).toHaveLength(count);
    expect(new Set(lines.map((l) => l[1]))).toEqual(new Set([kind]));
  });

  it('the assessment downloads as XLSX with the token, and its print view is the table alone on A4 landscape', async () => {
    const page = await open(context, '/pages/assessment');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-format="xlsx"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^assessment-500104-\d{4}\.xlsx$/);
    const file = join(DOWNLOADS, download.suggestedFilename());
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.getWorksheet('考核汇总')?.rowCount).toBeGreaterThan(8);

    // Printed: the width of A4 landscape within its 10 mm margins (277 mm at 96 px an inch).
    const printWidth = Math.floor((277 / 25.4) * 96);
    await page.setViewportSize({ width: printWidth, height: 740 });
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['header', '#filters', '.downloads', '.screen-only']) expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    const indicators = (await api('/v1/indicators')).indicators.length;
    const parts = page.locator('.print-part table.assessment');
    expect(await parts.count()).toBe(Math.ceil(indicators / 4));
    for (const part of await parts.all()) {
      expect(await part.isVisible()).toBe(true);
      // Every column on the page: none cut off at the right edge.
      expect((await part.boundingBox())!.width).toBeLessThanOrEqual(printWidth);
      expect(await cellsOf(part.locator('tbody tr.group'))).toHaveLength(8);
    }
    expect(await page.locator('.signatures').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'assessment-print.png'), fullPage: true });
    const pdf = await page.pdf({ path: join(ARTIFACTS, 'assessment.pdf'), preferCSSPageSize: true, printBackground: true });
    const text = pdf.toString('latin1');
    expect(text.slice(0, 5)).toBe('%PDF-');
    // @page size: A4 landscape (842 × 595 points); a page for each part at least.
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text);
    expect(box, 'a MediaBox in the PDF').not.toBeNull();
    expect([Math.round(Number(box![1])), Math.round(Number(box![2]))]).toEqual([842, 595]);
    expect(text.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(Math.ceil(indicators / 4));
  });
});

describe("a street supervisor's token", () => {
  let context: BrowserContext;
  let token: string;
  // One tab: the token typed in is kept in its sessionStorage, as a supervisor's tab keeps it.
  let page: Page;
  beforeAll(async () => {
    token = (await createToken(runtime.store.client, { role: 'street_supervisor', scopeCode: STREET, label: 'browser test street' })).token;
    context = await openContext();
  });
  afterAll(async () => context?.close());

  it('is asked for on a 401; then the overview shows their street/town only, with the figures the API gives them', async () => {
    page = await context.newPage();
    await page.goto(`${base}/`);
    const dialog = page.locator('#token-dialog');
    await dialog.locator('input[name=token]').waitFor({ state: 'visible' });
    await dialog.locator('input[name=token]').fill(token);
    await dialog.locator('button[value=ok]').click();
    await viewDrawn(page);
    await shot(page, 'overview-street-supervisor');
    expect(await problems(page)).toEqual([]);
    const a = await api(`/v1/reports/assessment?year=${await yearOf(page)}&by=street`, token);
    expect(a.region.code).toBe(STREET);
    const head = await headOf(page.locator('table.scorecard'));
    const name = runtime.reference.divisions.get(STREET)!.name;
    expect(head).toEqual(['指标 Indicator', '目标 Target', `${name} (${STREET})`, `${name} 合计 total`]);
    expect(await rowsOf(page.locator('table.scorecard'))).toEqual(scorecardRows(a));
    expect(await page.locator('#panels').textContent()).not.toContain('(500104001)');
  });

  it('lists only people of their street/town and refuses another street in the URL', async () => {
    await page.goto(`${base}/pages/worklists`);
    await viewDrawn(page);
    expect(await problems(page)).toEqual([]);
    const regions = (await rowsOf(page.locator('#panel-issues table'))).map((r) => /\((\d+)\)$/.exec(r[3]!)?.[1] ?? '');
    expect(regions.length).toBeGreaterThan(0);
    for (const code of regions) expect(code.startsWith(STREET), code).toBe(true);

    await page.goto(`${base}/pages/drilldown?region=500104001&by=community`);
    await viewDrawn(page);
    expect((await problems(page)).join()).toContain('无权限 not permitted');
  });
});

describe('the network', () => {
  it('no page asked for anything but this machine', () => {
    const urls = watches.flatMap((w) => w.urls);
    expect(urls.some((u) => u.endsWith('/assets/vendor/echarts.min.js'))).toBe(true);
    expect(urls.filter((u) => u.includes('/v1/')).length).toBeGreaterThan(20);
    expect(watches.flatMap((w) => w.offsite)).toEqual([]);
  });
});
