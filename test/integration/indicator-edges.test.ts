// Edges of the definitions: turning 65 within the year, the BP threshold at 65, strict limits,
// and late events with and without as_of (what was known on a date stays reproducible).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ingestBatch } from '../../src/ingest/pipeline.js';
import type { Runtime } from '../../src/runtime.js';
import { makeId } from '../fixtures/ids.js';
import { openTestRuntime } from './bootstrap.js';

const C1 = '500104001001';
/** An elderly check whose form is complete (definitions v2: every item and guidance given). */
const COMPLETE_FORM = {
  lifestyle: { smoking: 'never' }, self_care_score: 0,
  vitals: { bp_systolic: 130, bp_diastolic: 80, height_cm: 160, weight_kg: 60, waist_cm: 80 },
  labs: { blood_routine: '正常', urine_routine: '正常', liver_function: '正常', kidney_function: '正常', lipids: '正常', fasting_glucose_mmol: 5.5 },
  ecg: '正常', abdominal_ultrasound: '正常', assessment: '体检无异常', guidance: ['定期随访'],
};
let runtime: Runtime;
let app: FastifyInstance;
let n = 0;

function ev(person: Record<string, unknown>, type: string, on: string, data: Record<string, unknown>) {
  n++;
  return { event_id: `edge-${n}`, type, schema_version: 1, occurred_at: on, institution_code: 'H500104001', person, data };
}
// Established (definitions v2): name, sex and birth date (from the ID), ID number and residence.
const archive = (person: Record<string, unknown>, serial: string) =>
  ev({ ...person, name: '测试' }, 'archive.created', '2020-01-01', { archive_no: `${C1}${serial}`, established_on: '2020-01-01', medium: 'electronic', residence: { division_code: C1 } });

async function ingestReceivedOn(events: unknown[], receivedOn: string) {
  const received = events.map((value, i) => ({ kind: 'parsed' as const, value, source: `edge:${receivedOn}:${i}` }));
  const outcome = await ingestBatch(received, runtime.pipeline, { receivedAt: Date.parse(`${receivedOn}T12:00:00+08:00`) });
  expect(outcome.rejected).toEqual([]);
}

async function total(id: string, query: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/indicators/${id}?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  const t = res.json().total;
  return [t.numerator, t.denominator];
}

beforeAll(async () => {
  runtime = await openTestRuntime('it_edges');
  app = await buildApp(runtime);
  await app.inject({ method: 'PUT', url: '/v1/population/2025', payload: [{ division_code: C1, group: 'aged_65_plus', count: 10 }] });

  // Elderly: turns 65 on 31 Dec 2025 (counts), turns 65 on 1 Jan 2026 (does not); both checked in 2025.
  const turns65 = { id_number: makeId('500104', '19601231', '011') };
  const stays64 = { id_number: makeId('500104', '19610101', '013') };
  // Hypertension: latest follow-up on the 65th birthday at 145/85 (controlled: < 150 from 65),
  // the day before it at 145/85 (not controlled: < 140 before 65), and exactly 140/80 at 50 (not: strict).
  const on65 = { id_number: makeId('500104', '19600615', '015') };
  const before65 = { id_number: makeId('500104', '19600616', '017') };
  const at140 = { id_number: makeId('500104', '19750101', '019') };
  const early = [
    archive(turns65, '00101'), archive(stays64, '00102'), archive(on65, '00103'), archive(before65, '00104'), archive(at140, '00105'),
    ev(turns65, 'health_check.recorded', '2025-03-01', { checked_on: '2025-03-01', kind: 'elderly_annual', ...COMPLETE_FORM }),
    ev(stays64, 'health_check.recorded', '2025-03-01', { checked_on: '2025-03-01', kind: 'elderly_annual', ...COMPLETE_FORM }),
    ...[on65, before65, at140].map((p) => ev(p, 'program.enrolled', '2021-01-01', { program: 'hypertension', on: '2021-01-01' })),
    ev(on65, 'followup.recorded', '2025-06-15', { program: 'hypertension', followed_on: '2025-06-15', method: 'clinic', vitals: { bp_systolic: 145, bp_diastolic: 85 } }),
    ev(before65, 'followup.recorded', '2025-06-15', { program: 'hypertension', followed_on: '2025-06-15', method: 'clinic', vitals: { bp_systolic: 145, bp_diastolic: 85 } }),
    ev(at140, 'followup.recorded', '2025-06-15', { program: 'hypertension', followed_on: '2025-06-15', method: 'clinic', vitals: { bp_systolic: 140, bp_diastolic: 80 } }),
  ];
  await ingestReceivedOn(early, '2025-06-30');
  // Late: a May follow-up of at140 (latest stays June) and a May check of a third elderly person,
  // both received only in August.
  const lateElder = { id_number: makeId('500104', '19500505', '021') };
  await ingestReceivedOn(
    [
      archive(lateElder, '00106'),
      ev(lateElder, 'health_check.recorded', '2025-05-20', { checked_on: '2025-05-20', kind: 'elderly_annual', ...COMPLETE_FORM }),
      ev(at140, 'followup.recorded', '2025-05-01', { program: 'hypertension', followed_on: '2025-05-01', method: 'home', vitals: { bp_systolic: 120, bp_diastolic: 70 } }),
    ],
    '2025-08-15',
  );
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('indicator edges', () => {
  it('counts the elderly by their age on 31 December of the year', async () => {
    expect(await total('elderly_health_management', 'year=2025')).toEqual([2, 10]); // turns65 and lateElder
  });

  it('applies the 150 mmHg limit from the 65th birthday on, and limits strictly', async () => {
    // on65 controlled; before65 not (145 ≥ 140 at 64); at140 not (the latest, June, is exactly 140).
    expect(await total('hypertension_bp_control', 'year=2025')).toEqual([1, 3]);
  });

  it('counts late events once received, and as_of reproduces what was known before they came', async () => {
    expect(await total('elderly_health_management', 'year=2025&as_of=2025-07-01')).toEqual([1, 10]);
    expect(await total('elderly_health_management', 'year=2025&as_of=2025-08-20')).toEqual([2, 10]);
    // lateElder's archive itself arrived in August: not an active archive as known on 1 July.
    expect(await total('archive_usage', 'year=2025&as_of=2025-07-01')).toEqual([5, 5]);
    expect(await total('archive_usage', 'year=2025&as_of=2025-08-20')).toEqual([6, 6]);
  });
});
