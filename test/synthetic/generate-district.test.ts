import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { type GenerateOptions, generateDistrict, type SyntheticDistrict } from '../../src/synthetic/generate-district.js';
import type { EventRow } from '../../src/transform/event-row.js';
import { archiveEventSchema, EVENT_TYPES } from '../../src/transform/event-schema.js';
import { normaliseEvent } from '../../src/transform/normalise-event.js';

const reference = loadReferenceData('500104');
const options: GenerateOptions = { county: '500104', reference, seed: 20261125, scale: 0.01, firstYear: 2024, until: '2026-11-25' };
const ctx = { reference, pseudonymKey: Buffer.from('synthetic-test-key'), receivedAt: Date.parse('2026-11-26T00:00:00+08:00'), source: 'test' };

function take(events: Iterable<Record<string, unknown>>, n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const e of events) {
    if (out.length === n) break;
    out.push(e);
  }
  return out;
}

let district: SyntheticDistrict;
let events: Record<string, unknown>[];
let rows: EventRow[];
let rejections: { event: Record<string, unknown>; codes: string[] }[];

beforeAll(() => {
  district = generateDistrict(options);
  events = [...district.events()];
  rows = [];
  rejections = [];
  for (const event of events) {
    const result = normaliseEvent(event, ctx);
    if (result.ok) rows.push(result.row);
    else rejections.push({ event, codes: result.reasons.map((r) => r.code) });
  }
});

describe('generateDistrict: determinism', () => {
  it('gives the same events for the same seed, and other events for another seed', () => {
    const again = take(generateDistrict(options).events(), 500);
    expect(again).toEqual(events.slice(0, 500));
    const other = take(generateDistrict({ ...options, seed: 7 }).events(), 500);
    expect(other).not.toEqual(events.slice(0, 500));
  });

  it('yields the same sequence every time events() is called', () => {
    const second = [...district.events()];
    expect(second.length).toBe(events.length);
    expect(second.slice(0, 2000)).toEqual(events.slice(0, 2000));
    expect(second.slice(-200)).toEqual(events.slice(-200));
  });
});

describe('generateDistrict: events as clinics send them', () => {
  it('has about 420,000 × scale residents and a plausible number of events', () => {
    expect(district.residents).toBeGreaterThan(4000);
    expect(district.residents).toBeLessThan(4800);
    // 1.5–2.5 million at scale 1.
    expect(events.length).toBeGreaterThan(15_000);
    expect(events.length).toBeLessThan(25_000);
  });

  it('passes the event schema, every one', () => {
    const failures = events.filter((e) => !archiveEventSchema.safeParse(e).success);
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('is rejected by the pipeline only for the deliberately invalid ID numbers (0.1–1%)', () => {
    const rate = rejections.length / events.length;
    expect(rate).toBeGreaterThan(0.001);
    expect(rate).toBeLessThan(0.01);
    for (const { codes } of rejections) expect(codes.every((code) => code.startsWith('id_'))).toBe(true);
  });

  it('uses every event type, schema version 1, and event ids unique within each institution', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    expect(events.every((e) => e.schema_version === 1)).toBe(true);
    const keys = events.map((e) => `${e.institution_code}|${e.event_id}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never dates an event after `until`, and gives offsets as +08:00 or none', () => {
    expect(rows.every((r) => r.event_date !== null && r.event_date <= options.until)).toBe(true);
    for (const e of events) expect(String(e.occurred_at)).toMatch(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+08:00)?$/);
  });

  it('sends mostly in date order, with local shuffling and about 2% months late', () => {
    const dates = rows.map((r) => r.event_date ?? '');
    let laterSeen = '';
    let late = 0;
    let outOfOrder = 0;
    for (let i = 0; i < dates.length; i++) {
      const d = dates[i] ?? '';
      if (i > 0 && d < (dates[i - 1] ?? '')) outOfOrder++;
      // Sent after something dated 40+ days later: a late event.
      if (laterSeen > '' && Date.parse(laterSeen) - Date.parse(d) > 40 * 86_400_000) late++;
      if (d > laterSeen) laterSeen = d;
    }
    expect(outOfOrder / dates.length).toBeGreaterThan(0.05);
    expect(late / dates.length).toBeGreaterThan(0.01);
    expect(late / dates.length).toBeLessThan(0.04);
  });

  it('writes IDs, codes and answers the messy ways clinics do', () => {
    const ids = events.map((e) => String((e.person as Record<string, unknown>).id_number));
    expect(ids.some((id) => /[０-９]/.test(id))).toBe(true);
    expect(ids.some((id) => /^\d{15}$/.test(id))).toBe(true);
    expect(ids.some((id) => /x$/.test(id))).toBe(true);
    expect(ids.some((id) => / /.test(id))).toBe(true);
    const created = events.filter((e) => e.type === 'archive.created').map((e) => e.data as Record<string, unknown>);
    expect(created.some((d) => d.residence_type === '户籍')).toBe(true);
    expect(created.some((d) => d.ethnicity === '汉族')).toBe(true);
    expect(created.some((d) => d.blood_type === '不详')).toBe(true);
    expect(created.some((d) => Array.isArray(d.drug_allergies) && d.drug_allergies.length === 0)).toBe(true);
    expect(created.some((d) => d.drug_allergies === 'none')).toBe(true);
    expect(created.filter((d) => d.medium === 'paper').length / created.length).toBeGreaterThan(0.005);
    expect(created.filter((d) => d.medium === 'paper').length / created.length).toBeLessThan(0.08);
  });

  it('leaves basic fields blank on about a tenth of adult archives', () => {
    const adults = events.filter((e) => {
      const data = e.data as Record<string, unknown>;
      return e.type === 'archive.created' && 'ethnicity' in data;
    });
    const basic = ['phone', 'contact_name', 'contact_phone', 'blood_type', 'education', 'occupation', 'marital_status', 'payment_methods', 'drug_allergies', 'past_history', 'family_history'];
    const incomplete = adults.filter((e) => basic.some((f) => !(f in (e.data as Record<string, unknown>))));
    expect(incomplete.length / adults.length).toBeGreaterThan(0.05);
    expect(incomplete.length / adults.length).toBeLessThan(0.15);
  });

  it('gives a few per cent of people a second archive at another institution', () => {
    const archives = new Map<string, { archiveNo: string; institution: string }[]>();
    for (const r of rows.filter((row) => row.type === 'archive.created')) {
      archives.set(r.person_key, [...(archives.get(r.person_key) ?? []), { archiveNo: r.archive_no, institution: r.institution_code }]);
    }
    const twice = [...archives.values()].filter((list) => list.length > 1);
    expect(twice.length / archives.size).toBeGreaterThan(0.01);
    expect(twice.length / archives.size).toBeLessThan(0.06);
    for (const [first, second] of twice) {
      expect(first?.archiveNo).not.toBe(second?.archiveNo);
      expect(first?.institution).not.toBe(second?.institution);
    }
  });

  it('terminates archives for deaths, moves and loss to follow-up, with destination and handover for most moves', () => {
    const terminated = events.filter((e) => e.type === 'archive.terminated').map((e) => e.data as Record<string, unknown>);
    expect(new Set(terminated.map((d) => d.reason))).toEqual(new Set(['death', 'moved_out', 'lost_to_follow_up']));
    const movedOut = terminated.filter((d) => d.reason === 'moved_out');
    const handedOver = movedOut.filter((d) => typeof d.destination === 'string' && typeof d.handover_note === 'string');
    // About 15% lack the destination or the handover: a quality issue, not a rejection.
    expect(handedOver.length / movedOut.length).toBeGreaterThan(0.72);
    expect(handedOver.length / movedOut.length).toBeLessThan(0.95);
  });
});

describe('generateDistrict: indicators land where real districts do', () => {
  it('has archive coverage between 80% and 97% on every street', () => {
    const year = '2025';
    const evaluation = `${year}-12-31`;
    const people = new Map<string, { residence: string; at: string; archives: Map<string, { from: string; to: string | null }> }>();
    for (const r of [...rows].sort((a, b) => ((a.event_date ?? '') < (b.event_date ?? '') ? -1 : 1))) {
      const p = people.get(r.person_key) ?? { residence: '', at: '', archives: new Map() };
      people.set(r.person_key, p);
      if (r.type === 'archive.created') p.archives.set(r.archive_no, { from: r.event_date ?? '', to: null });
      if (r.division_code && (r.event_date ?? '') <= evaluation) p.residence = r.division_code;
      if (r.type === 'archive.terminated') {
        const archive = p.archives.get(r.archive_no);
        if (archive) archive.to = r.event_date;
      }
    }
    const covered = new Map<string, number>();
    for (const p of people.values()) {
      const active = [...p.archives.values()].some((a) => a.from <= evaluation && (a.to === null || a.to > evaluation));
      if (active && p.residence) covered.set(p.residence.slice(0, 9), (covered.get(p.residence.slice(0, 9)) ?? 0) + 1);
    }
    const residents = new Map<string, number>();
    for (const row of district.population) {
      if (row.year === 2025 && row.group === 'resident_total') residents.set(row.division_code.slice(0, 9), (residents.get(row.division_code.slice(0, 9)) ?? 0) + row.count);
    }
    expect(residents.size).toBe(8);
    for (const [street, total] of residents) {
      const coverage = (covered.get(street) ?? 0) / total;
      expect(coverage, street).toBeGreaterThan(0.8);
      expect(coverage, street).toBeLessThan(0.97);
    }
  });

  it('manages about half the estimated hypertension patients, mostly four follow-ups a year', () => {
    const enrolled = new Set(rows.filter((r) => r.type === 'program.enrolled' && r.program === 'hypertension').map((r) => r.person_key));
    const estimated = district.population.filter((r) => r.year === 2025 && r.group === 'hypertension_estimated').reduce((a, r) => a + r.count, 0);
    expect(enrolled.size / estimated).toBeGreaterThan(0.4);
    expect(enrolled.size / estimated).toBeLessThan(0.65);
    const followups = rows.filter((r) => r.type === 'followup.recorded' && r.program === 'hypertension' && r.event_date?.startsWith('2025'));
    const perPatient = followups.length / enrolled.size;
    expect(perPatient).toBeGreaterThan(2.8);
    expect(perPatient).toBeLessThan(4.5);
    const systolic = followups.map((r) => r.bp_systolic).filter((v): v is number => v !== null);
    const mean = systolic.reduce((a, b) => a + b, 0) / systolic.length;
    expect(mean).toBeGreaterThan(128);
    expect(mean).toBeLessThan(142);
  });
});

describe('generateDistrict: population rows', () => {
  const groups = ['resident_total', 'aged_65_plus', 'aged_0_6', 'live_births', 'hypertension_estimated', 'diabetes_estimated', 'smd_estimated', 'aged_0_36_months'];
  const sum = (year: number, group: string) => district.population.filter((r) => r.year === year && r.group === group).reduce((a, r) => a + r.count, 0);

  it('has every group for every community and year, with community codes of the county', () => {
    const communities = [...reference.divisions.values()].filter((d) => d.level === 'community');
    expect(district.population).toHaveLength(3 * communities.length * groups.length);
    expect(new Set(district.population.map((r) => r.group))).toEqual(new Set(groups));
    expect(district.population.every((r) => reference.divisions.get(r.division_code)?.level === 'community')).toBe(true);
    expect(district.population.every((r) => Number.isInteger(r.count) && r.count >= 0)).toBe(true);
  });

  it('adds up like a Chinese city district', () => {
    for (const year of [2024, 2025, 2026]) {
      const total = sum(year, 'resident_total');
      expect(total).toBeGreaterThan(3800);
      expect(total).toBeLessThan(4600);
      expect(sum(year, 'aged_65_plus') / total).toBeGreaterThan(0.14);
      expect(sum(year, 'aged_65_plus') / total).toBeLessThan(0.2);
      expect(sum(year, 'aged_0_6') / total).toBeGreaterThan(0.04);
      expect(sum(year, 'aged_0_6') / total).toBeLessThan(0.08);
      expect(sum(year, 'live_births')).toBeGreaterThan(0);
      expect(sum(year, 'smd_estimated') / total).toBeLessThan(0.01);
    }
    // Hypertension in about a quarter and diabetes in about a tenth of the over-35s (about 62% of residents).
    expect(sum(2025, 'hypertension_estimated') / sum(2025, 'resident_total')).toBeGreaterThan(0.13);
    expect(sum(2025, 'hypertension_estimated') / sum(2025, 'resident_total')).toBeLessThan(0.19);
    expect(sum(2025, 'diabetes_estimated') / sum(2025, 'resident_total')).toBeGreaterThan(0.045);
    expect(sum(2025, 'diabetes_estimated') / sum(2025, 'resident_total')).toBeLessThan(0.08);
  });
});
