// Definitions v2 (issue 7 item 6) through the API on the real ClickHouse engine: small groups of
// people, each evaluated alone for 2025, against figures counted by hand in
// test/fixtures/scenario-v2.ts from DOMAIN.md and CONTRACT.md, then replayed (every event twice,
// shuffled) to the same figures.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ingestBatch } from '../../src/ingest/pipeline.js';
import type { Runtime } from '../../src/runtime.js';
import { buildGroups, type Check, type Figures, type Group, POPULATION_2025, S1, S2, type V2Event } from '../fixtures/scenario-v2.js';
import { openTestRuntime } from './bootstrap.js';
import { shuffled } from '../fixtures/shuffle.js';

let runtime: Runtime;
let app: FastifyInstance;
let populationStatus: { statusCode: number; body: string };

const GROUPS = buildGroups();

interface Received {
  receivedOn: string;
  event: V2Event;
}

interface Rejected {
  event_id: string;
  type: string;
  reasons: unknown;
}

/** Drop every event and rejection: each group is evaluated alone (the population stays). */
async function reset(): Promise<void> {
  for (const table of ['events', 'rejections']) await runtime.store.client.command({ query: `TRUNCATE TABLE ${table}` });
}

/** Ingests events in the given order, each run of one received day as one batch received at noon that day. */
async function ingest(items: readonly Received[], tag: string): Promise<Rejected[]> {
  const rejected: Rejected[] = [];
  let start = 0;
  while (start < items.length) {
    let end = start + 1;
    while (end < items.length && items[end]!.receivedOn === items[start]!.receivedOn) end++;
    const run = items.slice(start, end);
    const receivedOn = run[0]!.receivedOn;
    const batch = run.map((item, i) => ({ kind: 'parsed' as const, value: item.event, source: `v2:${tag}:${receivedOn}:${start + i}` }));
    const outcome = await ingestBatch(batch, runtime.pipeline, { receivedAt: Date.parse(`${receivedOn}T12:00:00+08:00`) });
    rejected.push(...outcome.rejected.map((r) => ({ event_id: r.event_id, type: r.type, reasons: r.reasons })));
    start = end;
  }
  return rejected;
}

function inOrder(group: Group): Received[] {
  return group.batches.flatMap((batch) => batch.events.map((event) => ({ receivedOn: batch.receivedOn, event })));
}


interface IndicatorBody {
  rows: { code: string; numerator: number; denominator: number }[];
  total: { numerator: number; denominator: number };
}

async function evaluate(check: Check): Promise<IndicatorBody> {
  const url = `/v1/indicators/${check.indicator}?year=2025&by=street${check.asOf ? `&as_of=${check.asOf}` : ''}`;
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as IndicatorBody;
}

function figures(body: IndicatorBody): { s1: Figures | null; s2: Figures | null; total: Figures } {
  const row = (code: string): Figures | null => {
    const r = body.rows.find((x) => x.code === code);
    return r ? [r.numerator, r.denominator] : null;
  };
  return { s1: row(S1), s2: row(S2), total: [body.total.numerator, body.total.denominator] };
}

const label = (check: Check) => `${check.indicator}${check.asOf ? ` as of ${check.asOf}` : ''}: ${check.name}`;

beforeAll(async () => {
  runtime = await openTestRuntime('it_definitions_v2');
  app = await buildApp(runtime);
  const res = await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: { rows: POPULATION_2025 } });
  populationStatus = { statusCode: res.statusCode, body: res.body };
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('definitions v2, hand-counted groups of people, year 2025', () => {
  it('stores the 2025 population of both streets, aged_0_36_months included', () => {
    expect(populationStatus.statusCode, populationStatus.body).toBe(200);
  });

  for (const group of GROUPS) {
    describe(group.title, () => {
      let rejected: Rejected[] = [];
      beforeAll(async () => {
        await reset();
        rejected = await ingest(inOrder(group), group.key);
      });

      it('accepts every event of the group', () => {
        expect(rejected).toEqual([]);
      });

      it.each(group.checks.map((check) => [label(check), check] as const))('%s', async (_name, check) => {
        expect(figures(await evaluate(check))).toEqual({ s1: check.s1, s2: check.s2, total: check.total });
      });
    });
  }
});

describe('8. replay: every event posted twice, shuffled, gives the same figures', () => {
  it.each(GROUPS.map((group, i) => [group.title, group, i] as const))('%s', async (_title, group, i) => {
    await reset();
    expect(await ingest(inOrder(group), `${group.key}:in-order`)).toEqual([]);
    const before: IndicatorBody[] = [];
    for (const check of group.checks) before.push(await evaluate(check));

    await reset();
    const twice = shuffled([...inOrder(group), ...inOrder(group)], 2025 + i);
    expect(await ingest(twice, `${group.key}:replay`)).toEqual([]);
    const after: IndicatorBody[] = [];
    for (const check of group.checks) after.push(await evaluate(check));

    // The same responses, rows of every street included, and still the hand counts.
    expect(after).toEqual(before);
    group.checks.forEach((check, k) => {
      expect(figures(after[k]!), label(check)).toEqual({ s1: check.s1, s2: check.s2, total: check.total });
    });
  });
});
