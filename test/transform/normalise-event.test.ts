import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { normaliseResidentId } from '../../src/transform/id-number.js';
import { normaliseEvent } from '../../src/transform/normalise-event.js';

const reference = loadReferenceData('500104');
const ctx = { reference, pseudonymKey: Buffer.from('test-key-test-key-test-key-test-key'), receivedAt: Date.parse('2025-12-01T00:00:00Z'), source: 'test:1' };

const created = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  event_id: 'e1',
  type: 'archive.created',
  schema_version: 1,
  occurred_at: '2025-03-01T09:30:00',
  institution_code: 'H500104001',
  person: { id_number: '11010519491231002X', name: '张三', sex: '女' },
  data: { archive_no: '50010400100100001', established_on: '2025/03/01', residence: { division_code: '500104001001', address: '钢花路1号' }, ...data },
  ...over,
});

describe('normaliseEvent', () => {
  it('normalises dates, sex labels and coded fields, and keeps no plaintext identity', () => {
    const result = normaliseEvent(created({}, { residence_type: '户籍', ethnicity: '汉族', blood_type: '不详', marital_status: 2 }), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const row = result.row;
    expect(row.event_date).toBe('2025-03-01');
    expect(row.sex).toBe(2);
    expect(row.birth_date).toBe('1949-12-31');
    expect(row.fields).toMatchObject({ residence_type: 'registered', ethnicity: '01', blood_type: 'unknown', marital_status: '20' });
    expect(row.occurred_at).toBe(Date.parse('2025-03-01T09:30:00+08:00'));
    expect(JSON.stringify(row)).not.toContain('11010519491231002X');
    expect(JSON.stringify(row)).not.toContain('张三');
    expect(row.id_masked).toBe('110105********002X');
    expect(row.person_key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same person key to the 15- and 18-digit forms and to full-width input', () => {
    const keyOf = (id: string) => {
      const r = normaliseEvent(created({ person: { id_number: id } }), ctx);
      return r.ok ? r.row.person_key : r.reasons;
    };
    const converted = normaliseResidentId('440524800101001');
    expect(typeof keyOf('440524800101001')).toBe('string');
    expect(keyOf('440524800101001')).toEqual(keyOf(converted.ok ? converted.idNumber : ''));
    expect(keyOf('１１０１０５１９４９１２３１００２ｘ')).toEqual(keyOf('11010519491231002X'));
  });

  it('rejects an invalid ID with the reason, path and a message', () => {
    const result = normaliseEvent(created({ person: { id_number: '36042619910102009X' } }), ctx);
    expect(result).toEqual({
      ok: false,
      reasons: [{ path: 'person.id_number', code: 'id_check_character', message: expect.stringContaining('check character') }],
    });
  });

  it('rejects an unknown institution and a wrong schema version together', () => {
    const r1 = normaliseEvent(created({ institution_code: 'H999' }), ctx);
    expect(r1.ok === false && r1.reasons.map((r) => r.code)).toEqual(['institution_unknown']);
    const r2 = normaliseEvent(created({ schema_version: 2 }), ctx);
    expect(r2.ok === false && r2.reasons[0]).toMatchObject({ path: 'schema_version', message: expect.stringContaining('must be 1') });
  });

  it('reports structure problems and the ID problem in one answer', () => {
    const r = normaliseEvent(created({ person: { id_number: 'T60426199101010078' } }, { established_on: undefined }), ctx);
    expect(r.ok === false && r.reasons.map((x) => x.code).sort()).toEqual(['id_format', 'invalid_type']);
  });

  it('warns (and keeps the event) when sex or birth date disagree with the ID', () => {
    const r = normaliseEvent(created({ person: { id_number: '11010519491231002X', sex: 'M', birth_date: '1950-01-01' } }), ctx);
    expect(r.ok && r.row.warnings).toEqual(expect.arrayContaining(['sex_conflicts_id', 'birth_date_conflicts_id']));
    expect(r.ok && r.row.birth_date).toBe('1949-12-31');
  });

  it('tells a missing field from one answered "none"', () => {
    const r = normaliseEvent(created({}, { drug_allergies: [], family_history: 'none', past_history: { diseases: [] } }), ctx);
    expect(r.ok && r.row.fields).toMatchObject({ drug_allergies: 'none', family_history: 'none', past_history: 'none' });
    expect(r.ok && 'phone' in r.row.fields).toBe(false);
  });

  it('keeps an unknown code verbatim with a quality warning', () => {
    const r = normaliseEvent(created({}, { ethnicity: '火星族' }), ctx);
    expect(r.ok && r.row.fields.ethnicity).toBe('火星族');
    expect(r.ok && r.row.warnings).toContain('code_unknown:ethnicity');
  });

  it('flags archive numbers that are malformed or not of the residence community', () => {
    const malformed = normaliseEvent(created({}, { archive_no: '123' }), ctx);
    expect(malformed.ok && malformed.row.warnings).toContain('archive_no_malformed');
    const otherCommunity = reference.childrenOf('500104002')[0]!.code;
    const other = normaliseEvent(created({}, { archive_no: `${otherCommunity}00001` }), ctx);
    expect(other.ok && other.row.warnings).toContain('archive_no_not_residence');
  });

  it('rejects a residence code that is not 12 digits and flags one outside the county', () => {
    const bad = normaliseEvent(created({}, { residence: { division_code: '500104' } }), ctx);
    expect(bad.ok === false && bad.reasons[0]?.code).toBe('division_code_format');
    const outside = normaliseEvent(created({}, { residence: { division_code: '110101001001' } }), ctx);
    expect(outside.ok && outside.row.warnings).toContain('division_outside_region');
  });

  it('flags a follow-up dated after it was received', () => {
    const r = normaliseEvent(
      { ...created(), type: 'followup.recorded', data: { program: 'hypertension', followed_on: '20261231', method: 'phone' } },
      ctx,
    );
    expect(r.ok && r.row.warnings).toContain('future_dated');
    expect(r.ok && r.row.event_date).toBe('2026-12-31');
  });

  it('rejects a date that does not exist', () => {
    const r = normaliseEvent(created({}, { established_on: '2025-02-30' }), ctx);
    expect(r.ok === false && r.reasons[0]).toMatchObject({ path: 'data.established_on', code: 'date_invalid' });
  });
});
