// The API's outside: parameters that are wrong get a 400 naming them, never a 500.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  runtime = await openTestRuntime('it_api');
  app = await buildApp(runtime);
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });

describe('bad parameters', () => {
  it.each([
    ['/v1/indicators/archive_coverage?year=abc', 'year'],
    ['/v1/indicators/archive_coverage?year=2999', 'year'],
    ['/v1/indicators/archive_coverage?by=country', 'by'],
    ['/v1/indicators/archive_coverage?region=12', 'region'],
    ['/v1/indicators/archive_coverage?region=500104999', 'region'],
    ['/v1/indicators/archive_coverage?as_of=yesterday', 'as_of'],
    ['/v1/indicators/archive_coverage?year=2025&as_of=2024-01-01', 'as_of'],
    ['/v1/indicators/archive_coverage?region=500104001001&by=street', 'by'],
    ['/v1/quality/completeness?by=nation', 'by'],
    ['/v1/rejections?page=0', 'page'],
    ['/v1/population/20x5', 'year'],
    ['/v1/indicators/archive_coverage?year=2024&as_of=2024-02-30', 'as_of'],
    ['/v1/rejections?since=2024-13-45', 'since'],
  ])('%s → 400 naming %s', async (url, parameter) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', details: { parameter } });
  });

  it('answers 404 for an unknown indicator, region or route', async () => {
    expect((await get('/v1/indicators/happiness')).json().error.code).toBe('not_found');
    expect((await get('/v1/regions/500104999')).statusCode).toBe(404);
    expect((await get('/v1/nothing')).statusCode).toBe(404);
  });

  it('refuses population rows of divisions outside the county, naming the row', async () => {
    const res = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: [{ division_code: '110101001', group: 'resident_total', count: 5 }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('rows[0].division_code');
    const badGroup = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: [{ division_code: '500104001', group: 'martians', count: 5 }] });
    expect(badGroup.statusCode).toBe(400);
    expect(badGroup.json().error.code).toBe('invalid_body');
  });

  it('takes population figures as text/csv with the columns of hap population import', async () => {
    const csv = 'year,division_code,group,count\n2026,500104001,resident_total,1200\n2026,500104001001,aged_65_plus,80\n';
    const res = await app.inject({ method: 'PUT', url: '/v1/population/2026', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ year: 2026, rows: 2 });
    expect((await get('/v1/population/2026')).json().rows).toEqual([
      { division_code: '500104001', group: 'resident_total', count: 1200 },
      { division_code: '500104001001', group: 'aged_65_plus', count: 80 },
    ]);
    const otherYear = await app.inject({ method: 'PUT', url: '/v1/population/2026', payload: 'year,division_code,group,count\n2025,500104001,resident_total,1\n', headers: { 'content-type': 'text/csv' } });
    expect(otherYear.statusCode).toBe(400);
    expect(otherYear.json().error.message).toContain('year 2025');
    const badLine = await app.inject({ method: 'PUT', url: '/v1/population/2026', payload: 'year,division_code,group,count\n2026,500104001,resident_total,many\n', headers: { 'content-type': 'text/csv' } });
    expect(badLine.statusCode).toBe(400);
    expect(badLine.json().error.message).toMatch(/^line 2: /);
  });

  it('answers 400 naming the line for a CSV body that cannot be read', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: 'event_id,type\n"unclosed,x\n', headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_body');
  });

  it('answers 400 for an empty event batch', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: '', headers: { 'content-type': 'application/x-ndjson' } });
    expect(res.statusCode).toBe(400);
  });
});

describe('routes', () => {
  it('is alive and ready when the store answers', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).json()).toEqual({ status: 'ready', store: true, kafka: null });
  });

  it('serves the division hierarchy with institutions', async () => {
    const county = (await get('/v1/regions/500104')).json();
    expect(county).toMatchObject({ name: '大渡口区', level: 'county', parent: null });
    expect(county.children.map((c: { name: string }) => c.name)).toEqual(['新山村街道', '跃进村街道', '九宫庙街道', '茄子溪街道', '春晖路街道', '八桥镇', '建胜镇', '跳磴镇']);
    expect(county.institutions).toHaveLength(6);
    const town = (await get('/v1/regions/500104101')).json();
    expect(town.institutions.map((i: { code: string }) => i.code)).toEqual(['H500104004']);
    expect(town.parent).toMatchObject({ code: '500104' });
  });

  it('stores a line that is not JSON as a rejection and lands the rest of the batch', async () => {
    const good = {
      event_id: 'api-1', type: 'service.recorded', schema_version: 1, occurred_at: '2025-05-01', institution_code: 'H500104003',
      person: { id_number: '360426199101010071' }, data: { kind: 'referral', served_on: '2025-05-01' },
    };
    const res = await app.inject({
      method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/x-ndjson' },
      payload: `{"event_id": "broken", "name": "张三", 360426199101010071\n${JSON.stringify(good)}\n`,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, reasons: [{ code: 'json_invalid' }] }] });
    const rejections = (await get('/v1/rejections?reason=json_invalid')).json();
    expect(rejections.total).toBe(1);
    // Regression: V8's JSON error message quotes the text; nothing of it may be kept.
    expect(JSON.stringify(rejections.rows[0])).not.toMatch(/360426199101010071|张三/);
    expect(rejections.rows[0].reasons[0].message).toMatch(/^not valid JSON/);
  });

  it('marks a rejection resolved once the fixed event lands', async () => {
    const event = {
      event_id: 'fix-1', type: 'service.recorded', schema_version: 1, occurred_at: '2025-05-01', institution_code: 'H500104003',
      person: { id_number: '36042619910102009X' }, data: { kind: 'referral', served_on: '2025-05-01' },
    };
    await app.inject({ method: 'POST', url: '/v1/events', payload: [event] });
    const open = (await get('/v1/rejections?status=open&reason=id_check_character&page_size=1')).json();
    expect(open.total).toBe(1);
    // Counted per institution under the same filters, whatever the page size.
    expect(open.by_institution).toEqual({ H500104003: 1 });
    await app.inject({ method: 'POST', url: '/v1/events', payload: [{ ...event, person: { id_number: '360426199101010071' } }] });
    expect((await get('/v1/rejections?status=open&reason=id_check_character')).json()).toMatchObject({ total: 0, by_institution: {} });
    expect((await get('/v1/rejections?reason=id_check_character')).json().rows[0].resolved).toBe(true);
  });

  it('publishes the OpenAPI document with every contract route', async () => {
    const doc = (await get('/docs/json')).json();
    for (const path of ['/v1/events', '/v1/indicators/{id}', '/v1/quality/completeness', '/v1/population/{year}', '/v1/regions/{code}', '/v1/rejections']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('lists the catalogue with sources and targets', async () => {
    const body = (await get('/v1/indicators')).json();
    expect(body.indicators.length).toBeGreaterThanOrEqual(11);
    for (const i of body.indicators) expect(i.source).toMatch(/规范|DOMAIN|ours/);
  });
});

describe('awkward text', () => {
  it('keeps tabs, newlines, backslashes and quotes in stored text intact', async () => {
    const eventId = "odd\tid\\with\nnew'line";
    const res = await app.inject({
      method: 'POST', url: '/v1/events',
      payload: [{ event_id: eventId, type: 'service.recorded', schema_version: 1, occurred_at: '2025-05-01T08:00:00+08:00', institution_code: 'H500104003', person: { id_number: '360426199101010071' }, data: { kind: 'referral', served_on: '2025-05-01' } }],
    });
    expect(res.json().accepted).toBe(1);
    const rows = await runtime.store.client
      .query({ query: "SELECT event_id, toString(occurred_at) AS t FROM events WHERE institution_code = 'H500104003' AND kind = 'referral' AND startsWith(event_id, 'odd')", format: 'JSONEachRow' })
      .then((r) => r.json<{ event_id: string; t: string }>());
    expect(rows).toEqual([{ event_id: eventId, t: '2025-05-01 00:00:00.000' }]);
  });

  it('lands an event that happened before 1973 (regression: Unix-second timestamps were misread)', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/events',
      payload: [{ event_id: 'old-1', type: 'archive.created', schema_version: 1, occurred_at: '1965-03-01', institution_code: 'H500104003', person: { id_number: '11010519491231002X' }, data: { archive_no: '50010400300100001', established_on: '1965-03-01' } }],
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
    const [row] = await runtime.store.client.query({ query: "SELECT toString(occurred_at) AS t FROM events WHERE event_id = 'old-1'", format: 'JSONEachRow' }).then((r) => r.json<{ t: string }>());
    expect(row?.t).toBe('1965-02-28 16:00:00.000');
  });

  it('stores quality warnings with the kept event', async () => {
    await app.inject({
      method: 'POST', url: '/v1/events',
      payload: [{ event_id: 'warn-1', type: 'archive.created', schema_version: 1, occurred_at: '2025-05-01', institution_code: 'H500104003', person: { id_number: '360426199101010071', sex: '女' }, data: { archive_no: '123', established_on: '2025-05-01', ethnicity: '火星族' } }],
    });
    const [row] = await runtime.store.client
      .query({ query: "SELECT warnings FROM events WHERE event_id = 'warn-1'", format: 'JSONEachRow' })
      .then((r) => r.json<{ warnings: string[] }>());
    expect(row?.warnings.sort()).toEqual(['archive_no_malformed', 'code_unknown:ethnicity', 'sex_conflicts_id']);
  });
});
