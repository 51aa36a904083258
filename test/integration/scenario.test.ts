// The hand-built scenario through the API on the real ClickHouse engine: every indicator's
// numerator and denominator as counted by hand, and the same numbers after replays in other orders.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Runtime } from '../../src/runtime.js';
import { buildScenario, EXPECTED_2025, type ScenarioEvent, scenarioPopulation } from '../fixtures/scenario.js';
import { openTestRuntime } from './bootstrap.js';
import { shuffled } from '../fixtures/shuffle.js';

let runtime: Runtime;
let app: FastifyInstance;
let events: ScenarioEvent[];
let invalidIdEvents: number;

async function post(body: unknown[], contentType: 'json' | 'ndjson' = 'json') {
  const payload = contentType === 'json' ? JSON.stringify(body) : body.map((e) => JSON.stringify(e)).join('\n');
  return app.inject({ method: 'POST', url: '/v1/events', payload, headers: { 'content-type': contentType === 'json' ? 'application/json' : 'application/x-ndjson' } });
}

async function indicator(id: string, query = 'year=2025&by=street') {
  const res = await app.inject({ method: 'GET', url: `/v1/indicators/${id}?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}


async function allIndicators() {
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(EXPECTED_2025)) out[id] = await indicator(id);
  return out;
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_scenario');
  app = await buildApp(runtime);
  const streets = runtime.reference.childrenOf('500104002');
  const [c2, c2b] = [streets[0]!.code, streets[1]!.code];
  ({ events, invalidIdEvents } = buildScenario(c2));
  const put = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: scenarioPopulation(c2, c2b) } });
  expect(put.statusCode, put.body).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('hand-built scenario, year 2025', () => {
  it('accepts the good events and rejects the invalid ID with its index and reason', async () => {
    const res = await post(events);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(events.length - invalidIdEvents);
    expect(body.rejected).toHaveLength(invalidIdEvents);
    for (const r of body.rejected) {
      expect((events[r.index]!.person as { name: string }).name).toBe('钱六');
      expect(r.reasons).toEqual([expect.objectContaining({ path: 'person.id_number', code: 'id_check_character' })]);
    }
  });

  it.each(Object.entries(EXPECTED_2025))('%s counts as by hand', async (id, expected) => {
    const body = await indicator(id);
    const row = (code: string) => body.rows.find((r: { code: string }) => r.code === code);
    expect([row('500104001').numerator, row('500104001').denominator]).toEqual(expected.s1);
    expect([row('500104002').numerator, row('500104002').denominator]).toEqual(expected.s2);
    expect([body.total.numerator, body.total.denominator]).toEqual(expected.total);
    expect(body.rows).toHaveLength(8);
    expect(body.total.rate).toBe(expected.total[1] === 0 ? null : expected.total[0] / expected.total[1]);
  });

  it('groups by institution with the population of the streets each serves', async () => {
    const body = await indicator('archive_coverage', 'year=2025&by=institution');
    const h1 = body.rows.find((r: { code: string }) => r.code === 'H500104001');
    const h2 = body.rows.find((r: { code: string }) => r.code === 'H500104002');
    // P1, P5, P8, P9, P10, P11 were archived by H1, and P2's duplicate archive to keep is H1's (H1
    // serves his street 500104001, H2 does not); P7 by H2.
    expect([h1.numerator, h1.denominator]).toEqual([7, 10]);
    expect([h2.numerator, h2.denominator]).toEqual([1, 10]);
  });

  it('counts per community inside a street', async () => {
    const body = await indicator('archive_coverage', 'year=2025&by=community&region=500104001');
    expect(body.rows.find((r: { code: string }) => r.code === '500104001001').numerator).toBe(6);
    expect(body.total.numerator).toBe(6);
    expect(body.total.denominator).toBe(10);
  });

  it('reports per-field completeness, telling missing from answered none', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/quality/completeness?year=2025&by=street' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const field = (name: string) => body.total.fields.find((f: { field: string }) => f.field === name);
    // Active archives: P1, P2, P5 (child set), P7, P8, P9, P10, P11. Phone is required of the 7 adults; P2 and P8 lack it.
    expect(field('phone')).toMatchObject({ required: 7, missing: 2 });
    // drug_allergies: P7 answered none (not missing); P8 lacks it.
    expect(field('drug_allergies')).toMatchObject({ required: 7, missing: 1 });
    expect(field('contact_phone')).toMatchObject({ required: 8, missing: 1 });
    expect(body.total).toMatchObject({ archives: 8, complete: 6 });
  });

  it('lists the rejected events with source position, masked', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/rejections?reason=id_check_character' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(invalidIdEvents);
    expect(body.rows[0].source).toMatch(/^http:req-.+#\d+$/);
    expect(body.rows[0].raw_masked).not.toContain('36042619910102009X');
    expect(body.rows[0].raw_masked).not.toContain('钱六');
    expect(body.by_reason).toEqual({ id_check_character: invalidIdEvents });
  });

  it('gives the same numbers when every event arrives again, shuffled, as NDJSON', async () => {
    const before = await allIndicators();
    const res = await post(shuffled(events, 7), 'ndjson');
    expect(res.json().accepted).toBe(events.length - invalidIdEvents);
    expect(await allIndicators()).toEqual(before);
  });

  it('gives the same numbers from scratch in another order', async () => {
    const before = await allIndicators();
    for (const table of ['events', 'rejections']) await runtime.store.client.command({ query: `TRUNCATE TABLE ${table}` });
    const order = shuffled(events, 12345);
    await post(order.slice(0, 20));
    await post(order.slice(20));
    expect(await allIndicators()).toEqual(before);
  });

  it('stores no plaintext ID number anywhere', async () => {
    const res = await runtime.store.client.query({ query: 'SELECT * FROM events', format: 'JSONEachRow' });
    const text = await res.text();
    for (const e of events) expect(text).not.toContain((e.person as { id_number: string }).id_number);
    expect(text).not.toContain('张一');
  });
});
