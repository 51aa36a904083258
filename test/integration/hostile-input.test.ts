// Issue 11, "hostile input": each finding reported against a running server, as a regression test.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  runtime = await openTestRuntime('it_hostile', { HAP_MAX_EVENTS_PER_REQUEST: '500', HAP_MAX_LISTED_REJECTIONS: '20', HAP_BODY_LIMIT_MB: '1' });
  app = await buildApp(runtime, { logStream: { write: (line: string) => void logLines.push(line) } });
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const service = (eventId: string, over: Record<string, unknown> = {}) => ({
  event_id: eventId, type: 'service.recorded', schema_version: 1, occurred_at: '2025-05-01T08:00:00+08:00', institution_code: 'H500104003',
  person: { id_number: '360426199101010071' }, data: { kind: 'referral', served_on: '2025-05-01' }, ...over,
});

const post = (payload: string | object, contentType = 'application/json', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/events', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType, ...headers } });

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await queryRows<{ event_id: string }>(runtime.store.client, 'SELECT event_id FROM events FINAL WHERE startsWith(event_id, {p:String}) ORDER BY event_id', { p: prefix });
  return rows.map((r) => r.event_id);
}

describe('finding 1: prototype pollution through a CSV header', () => {
  it('a CSV header __proto__.zz_polluted rejects that event alone and later POSTs still answer 202', async () => {
    const csv = 'event_id,type,schema_version,occurred_at,institution_code,person.id_number,data.kind,data.served_on,__proto__.zz_polluted\n' +
      'f1-bad,service.recorded,1,2025-05-01,H500104003,360426199101010071,referral,2025-05-01,yes\n' +
      'f1-good,service.recorded,1,2025-05-01,H500104003,360426199101010071,referral,2025-05-01,\n';
    const res = await post(csv, 'text/csv');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, event_id: 'f1-bad', reasons: [{ code: 'key_forbidden', path: '__proto__' }] }] });
    expect(({} as Record<string, unknown>).zz_polluted).toBeUndefined();
    expect((await post([service('f1-after')])).statusCode).toBe(202);
    expect(await storedIds('f1-')).toEqual(['f1-after', 'f1-good']);
  });
});

describe('finding 2: hostile keys and depth fail the event alone, not the batch', () => {
  it('events with __proto__, valueOf, hasOwnProperty or 5,000 levels are rejected alone with a reason and stored as rejections; the good ones land', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = `[${JSON.stringify(service('f2-good-1'))},` +
      `{"event_id":"f2-proto","__proto__":{"polluted":1},"type":"service.recorded"},` +
      `${JSON.stringify({ ...service('f2-valueof'), valueOf: 'x' })},` +
      `${JSON.stringify({ ...service('f2-hasown'), data: { kind: 'referral', served_on: '2025-05-01', hasOwnProperty: 1 } })},` +
      `{"event_id":"f2-deep","data":${deep}},` +
      `${JSON.stringify({ ...service('f2-large'), note: 'x'.repeat(70_000) })},` +
      `${JSON.stringify(service('f2-good-2'))}]`;
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(202);
    const answer = res.json();
    expect(answer.accepted).toBe(2);
    expect(answer.rejected.map((r: { index: number; reasons: { code: string }[] }) => [r.index, r.reasons[0]?.code])).toEqual([
      [1, 'key_forbidden'], [2, 'key_forbidden'], [3, 'key_forbidden'], [4, 'event_too_deep'], [5, 'event_too_large'],
    ]);
    expect(await storedIds('f2-')).toEqual(['f2-good-1', 'f2-good-2']);
    const stored = await queryRows<{ event_id: string; source: string }>(runtime.store.client, "SELECT event_id, source FROM rejections WHERE startsWith(event_id, 'f2-') ORDER BY event_id");
    expect(stored.map((r) => r.event_id)).toEqual(['f2-deep', 'f2-hasown', 'f2-large', 'f2-proto', 'f2-valueof']);
    expect(stored.every((r) => /^http:req-.+#\d$/.test(r.source))).toBe(true);
  });
});

describe('finding 3: one request cannot cost unbounded work', () => {
  it('more events than HAP_MAX_EVENTS_PER_REQUEST answer 413 naming the limit, and nothing is stored', async () => {
    const before = await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM rejections');
    const res = await post(`[${Array(501).fill('{}').join(',')}]`);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'too_many_events', details: { limit: 500, received: 501 } });
    expect(res.json().error.message).toContain('HAP_MAX_EVENTS_PER_REQUEST');
    expect(await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM rejections')).toEqual(before);
  });

  it('500 identical {} list 20 rejections, count all by reason, and are stored once with their number', async () => {
    const res = await post(`[${Array(500).fill('{}').join(',')}]`);
    expect(res.statusCode).toBe(202);
    const answer = res.json();
    expect(answer.rejected).toHaveLength(20);
    expect(answer.rejected_total).toBe(500);
    expect(answer.rejected_by_reason.invalid_union).toBe(500);
    const requestId = answer.rejected[0] && (await queryRows<{ source: string; copies: number }>(runtime.store.client, "SELECT source, copies FROM rejections WHERE raw_masked = '{}'"));
    expect(requestId).toHaveLength(1);
    expect(Number(requestId?.[0]?.copies)).toBe(500);
  });
});

describe('finding 4: no cross-site posting', () => {
  it('a cross-site POST /v1/events with text/plain is refused with 415 and no CORS header is sent', async () => {
    const res = await post([service('f4-plain')], 'text/plain', { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/events', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(await storedIds('f4-')).toEqual([]);
  });

  it('form bodies are refused too', async () => {
    expect((await post('a=1', 'application/x-www-form-urlencoded')).statusCode).toBe(415);
  });
});

describe('finding 5: an event id sent again with another content is a conflict, never silent', () => {
  it('reports the conflict in the answer and on the worklist, and keeps the copy received first', async () => {
    const first = await post([service('f5-1')]);
    expect(first.json().conflicts).toEqual([]);
    const replay = await post([service('f5-1')]);
    expect(replay.json()).toMatchObject({ accepted: 1, conflicts: [] });
    const other = await post([service('f5-1', { data: { kind: 'consultation', served_on: '2025-05-02' } })]);
    expect(other.statusCode).toBe(202);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(other.json().conflicts).toEqual([{ index: 0, event_id: 'f5-1', message: expect.stringContaining(`content differs from the copy stored on ${today}`) }]);
    const kept = await queryRows<{ kind: string }>(runtime.store.client, "SELECT kind FROM events FINAL WHERE event_id = 'f5-1'");
    expect(kept).toEqual([{ kind: 'referral' }]);
    const worklist = (await app.inject({ method: 'GET', url: '/v1/quality/issues?kind=event_id_conflict' })).json();
    expect(worklist.counts_by_kind.event_id_conflict).toBe(1);
    expect(worklist.rows).toEqual([expect.objectContaining({ kind: 'event_id_conflict', institution_code: 'H500104003', detail: expect.stringContaining('f5-1'), on_date: today })]);
  });

  it('two copies of one id with different content in one batch are a conflict too', async () => {
    const res = await post([service('f5-2'), service('f5-2', { occurred_at: '2025-05-03T08:00:00+08:00' })]);
    expect(res.json().conflicts).toEqual([{ index: 1, event_id: 'f5-2', message: expect.stringContaining('same batch (index 0)') }]);
  });
});

describe('finding 6: integer query parameters are bounded', () => {
  it.each(['/v1/rejections?page=1e15', '/v1/quality/issues?page=1e15', '/v1/followups/overdue?page=99999999', '/v1/rejections?page_size=1e9', '/v1/reports/assessment/sample?size=1e15'])(
    '%s answers 400 naming the parameter, never 500',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.parameter).toMatch(/^(page|page_size|size)$/);
    },
  );
});

describe('finding 8: ID and phone numbers in key fields', () => {
  it('an ID number sent as event_id rejects the event; the rejection and its answer show it masked', async () => {
    const res = await post([service('11010519491231002X'), service('f8-13812345678'), service('f8-ok', { institution_code: '360426199101010071' })]);
    const answer = res.json();
    expect(answer.accepted).toBe(0);
    expect(answer.rejected.map((r: { reasons: { code: string }[] }) => r.reasons[0]?.code)).toEqual(['event_id_personal', 'event_id_personal', 'institution_unknown']);
    expect(res.body).not.toMatch(/11010519491231002X|13812345678|360426199101010071/);
    const stored = (await app.inject({ method: 'GET', url: '/v1/rejections?page_size=1000' })).body;
    expect(stored).not.toMatch(/11010519491231002X|13812345678|360426199101010071/);
  });
});

describe('finding 9: request logs carry no personal data', () => {
  it('logs the path with query values redacted, never the body', async () => {
    logLines.length = 0;
    await app.inject({ method: 'GET', url: '/v1/rejections?institution=11010519491231002X&reason=13812345678' });
    await post([service('f9-1', { person: { id_number: '440524188001010014', name: '王五' } })]);
    const log = logLines.join('');
    expect(log).toContain('/v1/rejections?institution=*&reason=*');
    expect(log).not.toMatch(/11010519491231002X|13812345678|440524188001010014|王五/);
  });
});

describe('finding 10: implausible measurements', () => {
  it('a blood pressure of 1200 or a fasting glucose of 126 mmol/L rejects the event with a code naming the field', async () => {
    const followup = (id: string, data: Record<string, unknown>) => service(id, { type: 'followup.recorded', data: { program: 'hypertension', followed_on: '2025-05-01', method: 'clinic', ...data } });
    const res = await post([
      followup('f10-bp', { vitals: { bp_systolic: 1200, bp_diastolic: 80 } }),
      followup('f10-glucose', { fasting_glucose_mmol: 126 }),
      followup('f10-ok', { vitals: { bp_systolic: 135, bp_diastolic: 85 }, fasting_glucose_mmol: 6.1 }),
    ]);
    expect(res.json().rejected.map((r: { reasons: { code: string; path: string }[] }) => r.reasons.map((x) => `${x.path} ${x.code}`))).toEqual([
      ['data.vitals.bp_systolic value_implausible:bp_systolic'],
      ['data.fasting_glucose_mmol value_implausible:fasting_glucose_mmol'],
    ]);
    expect(res.json().accepted).toBe(1);
  });
});

describe('finding 11: compressed bodies', () => {
  it('a gzip body is decompressed and its events land', async () => {
    const body = gzipSync(JSON.stringify([service('f11-gz')]));
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: body, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(await storedIds('f11-')).toEqual(['f11-gz']);
  });

  it('a gzip bomb stops at the body limit, counted after decompression (413)', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(res.statusCode).toBe(413);
  });

  it('any other Content-Encoding is refused with 415', async () => {
    expect((await post([service('f11-br')], 'application/json', { 'content-encoding': 'br' })).statusCode).toBe(415);
    expect(await storedIds('f11-br')).toEqual([]);
  });
});

describe('finding 7: formulas in downloads', () => {
  it('a =HYPERLINK(…) archive number comes out escaped in the sample CSV, never as a live formula', async () => {
    const archive = {
      event_id: 'f7-1', type: 'archive.created', schema_version: 1, occurred_at: '2025-03-01', institution_code: 'H500104001',
      person: { id_number: '11010519491231002X', name: '赵六', sex: '女' },
      data: { archive_no: '=HYPERLINK("http://evil.example","点击")', established_on: '2025-03-01', residence: { division_code: '500104001001', address: '钢花路1号' } },
    };
    expect((await post([archive])).json().accepted).toBe(1);
    const res = await app.inject({ method: 'GET', url: '/v1/reports/assessment/sample?year=2025&service=archive&size=500&format=csv' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""点击"")"`);
    const cells = res.body.split(/\r\n/).flatMap((line) => line.split(','));
    expect(cells.filter((c) => /^"?=HYPERLINK/.test(c))).toEqual([]);
  });
});

describe('finding 12: slow bodies and heavy reads', () => {
  it('the server has request, connection and keep-alive timeouts from the configuration', () => {
    const limits = runtime.config.limits;
    expect(app.initialConfig).toMatchObject({ requestTimeout: limits.requestTimeoutMs, connectionTimeout: limits.connectionTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs });
    expect(limits.requestTimeoutMs).toBeGreaterThan(0);
  });
});
