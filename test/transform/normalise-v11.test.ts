// Contract v1.1 additions through normalisation: new event types, new fields, coded reasons,
// stored codes, and the v2 ID rules (province prefix, birth-date bounds).
import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { normaliseEvent } from '../../src/transform/normalise-event.js';
import { ELDERLY_CHECK_FORM, serviceItemMask } from '../../src/transform/service-items.js';
import { makeId } from '../fixtures/ids.js';

const reference = loadReferenceData('500104');
const ctx = { reference, pseudonymKey: Buffer.from('test-key-test-key-test-key-test-key'), receivedAt: Date.parse('2025-12-01T00:00:00Z'), source: 'test:1' };
const mother = { id_number: makeId('500104', '19950909', '008'), name: '陈一' };

const event = (type: string, data: Record<string, unknown>, person: Record<string, unknown> = mother) => ({
  event_id: 'e1', type, schema_version: 1, occurred_at: '2025-06-01T10:00:00', institution_code: 'H500104001', person, data,
});

const COMPLETE_CHECK = {
  checked_on: '2025-05-01', kind: 'elderly_annual', lifestyle: { smoking: 'never' }, self_care_score: 0,
  vitals: { bp_systolic: 130, bp_diastolic: 80, height_cm: 160, weight_kg: 60, waist_cm: 80 },
  labs: { blood_routine: '正常', urine_routine: '正常', liver_function: '正常', kidney_function: '正常', lipids: '正常', fasting_glucose_mmol: 5.5 },
  ecg: '正常', abdominal_ultrasound: '正常', assessment: '体检无异常', guidance: ['定期随访'],
};

describe('contract v1.1 events', () => {
  it('stores a delivery with its dates and outcome', () => {
    const r = normaliseEvent(event('delivery.recorded', { delivered_on: '2025-05-20', discharged_on: '2025-05-23', outcome: 'live_birth', live_births: 1 }), ctx);
    expect(r.ok && [r.row.event_date, r.row.delivered_on, r.row.discharged_on, r.row.kind]).toEqual(['2025-05-20', '2025-05-20', '2025-05-23', 'live_birth']);
  });

  it('keys a link by the previous identifier, normalised like any ID number', () => {
    const wrong = makeId('500104', '19950909', '006');
    const link = normaliseEvent(event('person.linked', { previous: { id_number: wrong.toLowerCase(), id_type: 'resident_id' }, reason: 'correction' }), ctx);
    const old = normaliseEvent(event('service.recorded', { kind: 'consultation', served_on: '2025-01-01' }, { id_number: wrong }), ctx);
    expect(link.ok && old.ok && link.row.linked_from).toBe(old.ok ? old.row.person_key : '');
    expect(link.ok && link.row.event_date).toBe('2025-06-01');
  });

  it('refuses a link of an identifier to itself', () => {
    const r = normaliseEvent(event('person.linked', { previous: { id_number: mother.id_number }, reason: 'other' }), ctx);
    expect(r.ok === false && r.reasons[0]?.code).toBe('link_to_itself');
  });

  it('moves an archive to a known institution with the new residence, and refuses an unknown one', () => {
    const data = { archive_no: '50010400200100001', transferred_on: '2025-06-01', to_institution_code: 'H500104002', residence: { division_code: '500104002001' } };
    const r = normaliseEvent(event('archive.transferred', data), ctx);
    expect(r.ok && [r.row.to_institution, r.row.division_code, r.row.event_date]).toEqual(['H500104002', '500104002001', '2025-06-01']);
    const bad = normaliseEvent(event('archive.transferred', { ...data, to_institution_code: 'H999' }), ctx);
    expect(bad.ok === false && bad.reasons.map((x) => x.path)).toEqual(['data.to_institution_code']);
  });

  it('reopens an archive with its coded reason', () => {
    const r = normaliseEvent(event('archive.reopened', { archive_no: '50010400100100001', reopened_on: '2025-07-01', reason: 'correction' }), ctx);
    expect(r.ok && [r.row.kind, r.row.event_date]).toEqual(['correction', '2025-07-01']);
  });

  it('stores program exit reasons as codes, from a code or a Chinese label; a v1 free text stays valid with a warning', () => {
    const exit = (reason: string) => normaliseEvent(event('program.exited', { program: 'tuberculosis', on: '2025-08-01', reason }), ctx);
    const cured = exit('治愈');
    expect(cured.ok && cured.row.kind).toBe('cured');
    const completed = exit('completed');
    expect(completed.ok && completed.row.kind).toBe('completed');
    const free = exit('转诊');
    expect(free.ok && [free.row.kind, free.row.warnings]).toEqual(['转诊', ['code_unknown:exit_reason']]);
  });

  it('marks a complete elderly check form, and one without ECG or with empty guidance as incomplete', () => {
    const complete = serviceItemMask(ELDERLY_CHECK_FORM);
    const items = (data: Record<string, unknown>) => {
      const r = normaliseEvent(event('health_check.recorded', data), ctx);
      return r.ok ? r.row.service_items & complete : -1;
    };
    expect(items(COMPLETE_CHECK)).toBe(complete);
    const { ecg: _ecg, ...withoutEcg } = COMPLETE_CHECK;
    expect(items(withoutEcg)).not.toBe(complete);
    expect(items({ ...COMPLETE_CHECK, guidance: [] })).not.toBe(complete);
    expect(items({ ...COMPLETE_CHECK, lifestyle: {} })).not.toBe(complete);
  });

  it('keeps the follow-up residence and the postpartum dates', () => {
    const r = normaliseEvent(event('followup.recorded', {
      program: 'maternal', followed_on: '2025-06-01', method: 'home', visit_kind: 'postpartum_visit',
      delivered_on: '2025-05-20', discharged_on: '2025/05/23', residence: { division_code: '500104002001', address: '革新村1号' }, tcm_guidance: ['x'],
    }), ctx);
    expect(r.ok && [r.row.division_code, r.row.delivered_on, r.row.discharged_on]).toEqual(['500104002001', '2025-05-20', '2025-05-23']);
  });

  it('keeps the codes of coded fields in the stored row', () => {
    const r = normaliseEvent(event('archive.created', { archive_no: '50010400100100001', established_on: '2025-01-01', ethnicity: '汉族', blood_type: 3 }), ctx);
    expect(r.ok && r.row.codes).toEqual({ ethnicity: '01', blood_type: 'O' });
  });

  it('flags moving out without a destination or a handover', () => {
    const r = normaliseEvent(event('archive.terminated', { archive_no: '50010400100100001', reason: 'moved_out', terminated_on: '2025-06-01', destination: '成都' }), ctx);
    expect(r.ok && r.row.warnings).toContain('moved_out_without_handover');
  });

  it('rejects an ID whose birth date is after the day received', () => {
    const r = normaliseEvent(event('service.recorded', { kind: 'consultation', served_on: '2025-01-01' }, { id_number: makeId('500104', '20251202', '001') }), ctx);
    expect(r.ok === false && r.reasons[0]?.code).toBe('id_birth_date');
  });

  it('rejects an ID with a province prefix outside GB/T 2260', () => {
    const r = normaliseEvent(event('service.recorded', { kind: 'consultation', served_on: '2025-01-01' }, { id_number: makeId('990104', '19800101', '001') }), ctx);
    expect(r.ok === false && r.reasons[0]?.code).toBe('id_province');
  });
});
