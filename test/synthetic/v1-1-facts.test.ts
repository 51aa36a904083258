// The v1.1 facts of the synthetic district (CONTRACT "v1.1 additions"): deliveries, maternal and
// newborn visits with discharge dates, birth certificates and corrected IDs with their links,
// complete and incomplete elderly check forms, TCM management, transfers, reopenings, coded
// exits, visits sent twice. Shares are checked within bands on a small district, and the v2
// figures they lead to (computed here the simple way) must land where real districts report.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { generateDistrict, type SyntheticDistrict } from '../../src/synthetic/generate-district.js';
import { EXIT_REASON } from '../../src/transform/code-lists.js';
import type { EventRow } from '../../src/transform/event-row.js';
import { archiveEventSchema } from '../../src/transform/event-schema.js';
import { normaliseResidentId } from '../../src/transform/id-number.js';
import { normaliseEvent } from '../../src/transform/normalise-event.js';
import { ELDERLY_CHECK_FORM, serviceItemBit, serviceItemMask } from '../../src/transform/service-items.js';

type Data = Record<string, unknown>;
type Event = Record<string, unknown> & { type: string; data: Data; person: Data; institution_code: string; event_id: string };

const reference = loadReferenceData('500104');
const until = '2026-11-25';
const ctx = { reference, pseudonymKey: Buffer.from('synthetic-v11-key'), receivedAt: Date.parse('2026-11-26T00:00:00+08:00'), source: 'test' };

let district: SyntheticDistrict;
let events: Event[];
let rows: (EventRow & { data: Data })[];
/** person key → the person's key after links (one person for every identifier linked to them) */
let personOf: (key: string) => string;

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const isoOf = (text: unknown) => String(text).replace(/^(\d{4})[/]?(\d{2})[/]?(\d{2})$/, '$1-$2-$3');
const between = (x: number, lo: number, hi: number) => x >= lo && x <= hi;
const share = <T>(list: readonly T[], test: (item: T) => boolean) => list.filter(test).length / list.length;
const ofType = (type: string) => events.filter((e) => e.type === type);
const followups = (visitKind: string) => events.filter((e) => e.type === 'followup.recorded' && e.data.visit_kind === visitKind);
const population = (year: number, group: string) =>
  district.population.filter((r) => r.year === year && r.group === group).reduce((a, r) => a + r.count, 0);

beforeAll(() => {
  district = generateDistrict({ county: '500104', reference, seed: 20261125, scale: 0.03, firstYear: 2024, until });
  events = [...district.events()] as Event[];
  rows = [];
  for (const event of events) {
    const result = normaliseEvent(event, ctx);
    if (result.ok) rows.push({ ...result.row, data: event.data });
  }
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let k = key;
    for (let next = parent.get(k); next !== undefined; next = parent.get(k)) k = next;
    return k;
  };
  for (const r of rows.filter((row) => row.type === 'person.linked')) {
    const from = find(r.linked_from);
    const to = find(r.person_key);
    if (from !== to) parent.set(from, to);
  }
  personOf = find;
});

describe('v1.1 events: shape', () => {
  it('passes the event schema and the pipeline, every new type included', () => {
    expect(events.filter((e) => !archiveEventSchema.safeParse(e).success).slice(0, 3)).toEqual([]);
    for (const type of ['delivery.recorded', 'person.linked', 'archive.transferred', 'archive.reopened']) {
      const sent = ofType(type);
      expect(sent.length, type).toBeGreaterThan(0);
      // Only the deliberate check-character slips are refused (about 0.3% of events).
      const refused = sent.map((e) => normaliseEvent(e, ctx)).filter((result) => !result.ok);
      for (const result of refused) expect(!result.ok && result.reasons.map((r) => r.code), type).toEqual(['id_check_character']);
      expect(refused.length / sent.length, type).toBeLessThan(0.05);
    }
  });
});

describe('v1.1 events: deliveries and maternal visits', () => {
  it('records each delivery once, live births with one child, discharge 2–5 days later for most', () => {
    const deliveries = ofType('delivery.recorded');
    const live = deliveries.filter((e) => e.data.outcome === 'live_birth');
    expect(share(deliveries, (e) => e.data.outcome !== 'live_birth')).toBeLessThan(0.06);
    expect(deliveries.every((e) => e.data.live_births === (e.data.outcome === 'live_birth' ? 1 : 0))).toBe(true);
    const withDischarge = live.filter((e) => e.data.discharged_on !== undefined);
    expect(between(1 - withDischarge.length / live.length, 0.05, 0.16)).toBe(true);
    const stay = withDischarge.map((e) => dayNumber(isoOf(e.data.discharged_on)) - dayNumber(isoOf(e.data.delivered_on)));
    expect(stay.every((d) => between(d, 1, 7))).toBe(true);
    expect(share(stay, (d) => between(d, 2, 5))).toBeGreaterThan(0.8);
    expect(share(live, (e) => typeof e.data.institution_name === 'string' && e.data.institution_name !== '')).toBeGreaterThan(0.9);
    // One delivery record per mother and pregnancy.
    const keys = rows.filter((r) => r.type === 'delivery.recorded').map((r) => `${personOf(r.person_key)}|${r.event_date}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps live_births consistent with the births: most are reported by a delivery record', () => {
    for (const year of [2024, 2025]) {
      const births = population(year, 'live_births');
      const reported = rows.filter((r) => r.type === 'delivery.recorded' && r.kind === 'live_birth' && r.event_date?.startsWith(String(year))).length;
      expect(reported, String(year)).toBeLessThanOrEqual(births);
      expect(reported / births, String(year)).toBeGreaterThan(0.85);
    }
  });

  it('registers most pregnancies before 13 weeks, 180–280 days before the delivery', () => {
    const first = followups('first_prenatal');
    const weeks = first.map((e) => e.data.gestational_weeks).filter((w): w is number => typeof w === 'number');
    expect(between(1 - weeks.length / first.length, 0.005, 0.08)).toBe(true);
    expect(between(share(weeks, (w) => w < 13), 0.7, 0.86)).toBe(true);
    expect(between(share(weeks, (w) => w >= 13 && w <= 16), 0.06, 0.22)).toBe(true);
    // The first prenatal visit of the pregnancy, before its delivery.
    const firstVisit = new Map(rows.filter((r) => r.visit_kind === 'first_prenatal').map((r) => [personOf(r.person_key), r.event_date ?? '']));
    const gaps: number[] = [];
    let previousYear = 0;
    for (const r of rows.filter((row) => row.type === 'delivery.recorded' && row.kind === 'live_birth')) {
      const visit = firstVisit.get(personOf(r.person_key));
      if (!visit || !r.event_date) continue;
      gaps.push(dayNumber(r.event_date) - dayNumber(visit));
      if (visit.slice(0, 4) < r.event_date.slice(0, 4)) previousYear++;
    }
    expect(gaps.length).toBeGreaterThan(100);
    expect(gaps.every((g) => between(g, 60, 300))).toBe(true);
    expect(share(gaps, (g) => between(g, 165, 285))).toBeGreaterThan(0.7);
    expect(previousYear / gaps.length).toBeGreaterThan(0.3);
    // 2024's deliveries were registered in 2023: those visits are sent too.
    expect(first.some((e) => isoOf(e.data.followed_on) < '2024-01-01')).toBe(true);
  });

  it('visits mothers at home 3–10 days after discharge, some late or by phone, with delivery and discharge dates', () => {
    const visits = followups('postpartum_visit');
    expect(between(share(visits, (e) => e.data.method === 'home'), 0.82, 0.96)).toBe(true);
    expect(between(share(visits, (e) => e.data.method === 'phone'), 0.015, 0.1)).toBe(true);
    expect(share(visits, (e) => e.data.delivered_on !== undefined)).toBeGreaterThan(0.85);
    const known = visits.filter((e) => e.data.discharged_on !== undefined);
    expect(between(known.length / visits.length, 0.75, 0.95)).toBe(true);
    const after = known.map((e) => dayNumber(isoOf(e.data.followed_on)) - dayNumber(String(e.data.discharged_on)));
    expect(share(after, (d) => between(d, 3, 10))).toBeGreaterThan(0.78);
    expect(between(share(after, (d) => d > 28), 0.04, 0.17)).toBe(true);
    const checks = followups('postpartum_42d');
    expect(checks.every((e) => e.data.method === 'clinic')).toBe(true);
    expect(share(checks, (e) => e.data.delivered_on !== undefined && e.data.discharged_on !== undefined)).toBeGreaterThan(0.7);
  });

  it('gives some maternal visits an address, always when the mother has no archive', () => {
    const maternal = events.filter((e) => e.type === 'followup.recorded' && e.data.program === 'maternal');
    expect(between(share(maternal, (e) => e.data.residence !== undefined), 0.25, 0.6)).toBe(true);
  });
});

describe('v1.1 events: newborns', () => {
  it('visits newborns at home within a week of discharge, with the discharge date and the address', () => {
    const visits = followups('newborn_home_visit');
    expect(between(share(visits, (e) => e.data.method === 'home'), 0.9, 0.99)).toBe(true);
    expect(visits.every((e) => e.data.method === 'home' || e.data.method === 'phone')).toBe(true);
    expect(visits.every((e) => typeof (e.data.residence as Data | undefined)?.division_code === 'string')).toBe(true);
    const known = visits.filter((e) => e.data.discharged_on !== undefined);
    expect(between(known.length / visits.length, 0.8, 0.95)).toBe(true);
    const after = known.map((e) => dayNumber(isoOf(e.data.followed_on)) - dayNumber(String(e.data.discharged_on)));
    expect(between(share(after, (d) => between(d, 0, 7)), 0.82, 0.96)).toBe(true);
    // Visits follow the discharge whatever the year: a December birth may be visited in January.
    expect(after.every((d) => d >= 0)).toBe(true);
  });

  it('first records about a tenth of newborns by birth certificate, then links them to their ID', () => {
    const certificates = events.filter((e) => e.person.id_type === 'birth_certificate');
    expect(certificates.every((e) => /^Q\d{9}$/.test(String(e.person.id_number)) && e.person.birth_date !== undefined && e.person.sex !== undefined)).toBe(true);
    const newborns = new Set(rows.filter((r) => r.visit_kind === 'newborn_home_visit').map((r) => personOf(r.person_key))).size;
    const byCertificate = new Set(certificates.map((e) => e.person.id_number)).size;
    expect(between(byCertificate / newborns, 0.05, 0.16)).toBe(true);
    const links = rows.filter((r) => r.type === 'person.linked' && r.kind === 'birth_certificate');
    expect(links.length / byCertificate).toBeGreaterThan(0.6);
    const firstSeen = new Map<string, string>();
    for (const r of rows.filter((row) => row.id_type === 'birth_certificate')) {
      const seen = firstSeen.get(r.person_key);
      if (!seen || (r.event_date ?? '') < seen) firstSeen.set(r.person_key, r.event_date ?? '');
    }
    for (const link of links) {
      expect(link.id_type).toBe('resident_id');
      // Weeks to months after the birth, and after the certificate's own records.
      const seen = firstSeen.get(link.linked_from);
      if (seen) expect(link.event_date! >= seen).toBe(true);
      expect(between(dayNumber(link.event_date!) - dayNumber(link.birth_date!), 14, 155)).toBe(true);
    }
  });
});

describe('v1.1 events: corrected IDs', () => {
  it('sends a few adults under a mistyped valid ID for a while, then links it as a correction', () => {
    const corrections = events.filter((e) => e.type === 'person.linked' && e.data.reason === 'correction');
    const adults = new Set(rows.filter((r) => r.type === 'archive.created' && r.birth_date !== null && r.birth_date < '2006').map((r) => r.person_key)).size;
    expect(between(corrections.length / adults, 0.0005, 0.004)).toBe(true);
    for (const e of corrections) {
      const previous = e.data.previous as Data;
      expect(previous.id_type).toBe('resident_id');
      const typo = normaliseResidentId(String(previous.id_number));
      const own = normaliseResidentId(String(e.person.id_number));
      expect(typo.ok).toBe(true);
      if (typo.ok && own.ok) {
        expect(typo.idNumber).not.toBe(own.idNumber);
        expect(typo.birthDate).toBe(own.birthDate);
      }
    }
    // Some events were sent under the mistyped number.
    const typoKeys = new Set(rows.filter((r) => r.type === 'person.linked' && r.kind === 'correction').map((r) => r.linked_from));
    expect(rows.filter((r) => r.type !== 'person.linked' && typoKeys.has(r.person_key)).length).toBeGreaterThan(0);
  });
});

describe('v1.1 events: elderly checks and TCM', () => {
  const formMask = serviceItemMask(ELDERLY_CHECK_FORM);
  const complete = (r: EventRow) => (r.service_items & formMask) === formMask;

  it('fills the elderly check form completely for most, leaving one item out on 10–15%', () => {
    const checks = ofType('health_check.recorded').filter((e) => e.data.kind === 'elderly_annual');
    expect(checks.every((e) => Number.isInteger(e.data.self_care_score) && between(Number(e.data.self_care_score), 0, 19))).toBe(true);
    const checkRows = rows.filter((r) => r.type === 'health_check.recorded' && r.kind === 'elderly_annual');
    expect(between(1 - share(checkRows, complete), 0.09, 0.16)).toBe(true);
    const gaps = new Set<string>();
    for (const e of checks) {
      const vitals = e.data.vitals as Data;
      const labs = e.data.labs as Data;
      if (e.data.ecg === undefined) gaps.add('ecg');
      if (e.data.abdominal_ultrasound === undefined) gaps.add('abdominal_ultrasound');
      if (vitals.waist_cm === undefined) gaps.add('waist');
      if (Object.keys(labs).length < 6) gaps.add('lab');
      if (Array.isArray(e.data.guidance) && e.data.guidance.length === 0) gaps.add('guidance');
    }
    expect(gaps).toEqual(new Set(['ecg', 'abdominal_ultrasound', 'waist', 'lab', 'guidance']));
    // General checks stay as they were: no elderly form items.
    expect(ofType('health_check.recorded').filter((e) => e.data.kind === 'general').every((e) => e.data.self_care_score === undefined)).toBe(true);
  });

  it('gives TCM constitution and guidance at checks and as services of their own', () => {
    const services = ofType('service.recorded').filter((e) => e.data.kind === 'tcm_health_management');
    expect(services.length).toBeGreaterThan(0);
    expect(services.every((e) => Array.isArray(e.data.tcm_guidance) && (e.data.tcm_guidance as unknown[]).length > 0)).toBe(true);
    expect(share(services, (e) => typeof e.data.tcm_constitution === 'string')).toBeGreaterThan(0.9);
    const checks = ofType('health_check.recorded').filter((e) => e.data.kind === 'elderly_annual');
    expect(between(share(checks, (e) => Array.isArray(e.data.tcm_guidance)), 0.55, 0.75)).toBe(true);
    expect(share(checks, (e) => typeof e.data.tcm_constitution === 'string')).toBeGreaterThan(share(checks, (e) => Array.isArray(e.data.tcm_guidance)));
  });

  it('gives children TCM guidance at the 6–36-month checks only, for about 70% of them', () => {
    const checks = rows
      .filter((r) => r.visit_kind === 'well_child_check' && r.birth_date !== null)
      .map((r) => ({ guided: Array.isArray(r.data.tcm_guidance), months: (dayNumber(r.event_date!) - dayNumber(r.birth_date!)) / 30.44 }));
    const guided = checks.filter((c) => c.guided);
    expect(guided.every(({ months }) => between(months, 5, 38))).toBe(true);
    // The checks at 6, 12, 18, 24, 30 and 36 months (not the 8-month one).
    const due = checks.filter(({ months }) => between(months, 5, 38) && !between(months, 7.5, 9));
    expect(between(guided.length / due.length, 0.65, 0.85)).toBe(true);
  });
});

describe('v1.1 events: the archive\'s life', () => {
  it('transfers 1–2% of archives a year to the institution serving the new street; later events come from there', () => {
    const transfers = rows.filter((r) => r.type === 'archive.transferred');
    const perYear = transfers.filter((r) => r.event_date?.startsWith('2025')).length / population(2025, 'resident_total');
    expect(between(perYear, 0.008, 0.022)).toBe(true);
    const serving = (division: string) => [...reference.institutions.values()].find((i) => i.serves.includes(division.slice(0, 9)))?.code;
    for (const t of transfers) {
      expect(t.to_institution).toBe(serving(t.division_code));
      expect(t.institution_code).not.toBe(t.to_institution);
    }
    const transferOf = new Map(transfers.map((t) => [t.person_key, t]));
    let later = 0;
    let fromNew = 0;
    for (const r of rows) {
      const t = transferOf.get(r.person_key);
      // A second archive opened elsewhere is the one exception (archive.created by another institution).
      if (!t || r.type === 'archive.created' || (r.event_date ?? '') <= (t.event_date ?? '')) continue;
      later++;
      if (r.institution_code === t.to_institution) fromNew++;
    }
    expect(later).toBeGreaterThan(0);
    expect(fromNew).toBe(later);
  });

  it('reopens a few terminated archives: people who came back, and terminations made by mistake', () => {
    const reopened = rows.filter((r) => r.type === 'archive.reopened');
    expect(new Set(reopened.map((r) => r.kind))).toEqual(new Set(['returned', 'correction']));
    // As sent: the termination itself may be one of the events refused for a mistyped check character.
    const terminated = ofType('archive.terminated');
    expect(between(reopened.length / terminated.length, 0.01, 0.12)).toBe(true);
    for (const r of reopened) {
      const ended = terminated.filter((t) => t.data.archive_no === r.archive_no && isoOf(t.data.terminated_on) < (r.event_date ?? ''));
      expect(ended.length, r.archive_no).toBeGreaterThan(0);
      if (r.kind === 'correction') expect(ended.some((t) => t.data.reason === 'death' || t.data.reason === 'lost_to_follow_up')).toBe(true);
    }
  });

  it('exits patients with coded reasons: died and moved out, TB courses completed or cured, some lost or failed', () => {
    const exits = rows.filter((r) => r.type === 'program.exited');
    expect(exits.every((r) => r.kind in EXIT_REASON.labels)).toBe(true);
    const reasons = (program: string) => new Set(exits.filter((r) => r.program === program).map((r) => r.kind));
    for (const reason of ['died', 'moved_out']) expect(reasons('hypertension').has(reason), reason).toBe(true);
    const tb = reasons('tuberculosis');
    expect(tb.has('completed') && tb.has('cured')).toBe(true);
    expect(tb.has('lost') || tb.has('treatment_failed')).toBe(true);
    // Some systems write the label: 死亡, 治愈, …
    expect(events.some((e) => e.type === 'program.exited' && /[\u4e00-\u9fff]/.test(String(e.data.reason)))).toBe(true);
    const tbVisits = ofType('followup.recorded').filter((e) => e.data.program === 'tuberculosis');
    expect(tbVisits.every((e) => typeof e.data.doses_due === 'number' && typeof e.data.doses_taken === 'number')).toBe(true);
  });
});

describe('v1.1 events: visits as they are sent', () => {
  it('sends a few follow-ups per thousand twice (same visit, another event id) and keeps phone contacts', () => {
    const all = ofType('followup.recorded');
    const seen = new Map<string, Event>();
    let twice = 0;
    for (const e of all) {
      const key = JSON.stringify([e.institution_code, e.person.id_number, e.data]);
      const first = seen.get(key);
      if (first) {
        twice++;
        expect(first.event_id).not.toBe(e.event_id);
        expect(first.occurred_at).toBe(e.occurred_at);
      } else seen.set(key, e);
    }
    expect(between(twice / all.length, 0.001, 0.007)).toBe(true);
    const chronic = all.filter((e) => e.data.program === 'hypertension' || e.data.program === 'diabetes');
    expect(between(share(chronic, (e) => e.data.method === 'phone'), 0.02, 0.1)).toBe(true);
  });
});

describe('v1.1 population and the v2 figures it gives', () => {
  it('counts children 0–36 months: about three sevenths of the children 0–6', () => {
    for (const year of [2024, 2025, 2026]) {
      const ratio = population(year, 'aged_0_36_months') / population(year, 'aged_0_6');
      expect(between(ratio, 0.35, 0.52), String(year)).toBe(true);
    }
  });

  it('lands the maternal, newborn, elderly and TCM figures of 2025 where districts report them', () => {
    const Y = '2025';
    const births = population(2025, 'live_births');
    const elderly = population(2025, 'aged_65_plus');
    const people = new Map<string, EventRow[]>();
    for (const r of rows) {
      const key = personOf(r.person_key);
      const list = people.get(key) ?? [];
      list.push(r);
      people.set(key, list);
    }
    const faceToFace = (r: EventRow) => r.method === 'home' || r.method === 'clinic';
    const days = (from: string, to: string) => dayNumber(to) - dayNumber(from);
    const formMask = serviceItemMask(ELDERLY_CHECK_FORM);
    const constitution = 1 << serviceItemBit('tcm_constitution');
    const tcmGuidance = 1 << serviceItemBit('tcm_guidance');
    let newborn = 0;
    let postpartum = 0;
    let early = 0;
    let managed = 0;
    let tcm = 0;
    for (const list of people.values()) {
      const birth = list.find((r) => r.birth_date)?.birth_date ?? '';
      if (birth.startsWith(Y)) {
        const visited = list.some((v) => v.visit_kind === 'newborn_home_visit' && v.method === 'home'
          && (v.discharged_on ? between(days(v.discharged_on, v.event_date!), 0, 7) : between(days(birth, v.event_date!), 0, 28)));
        if (visited) newborn++;
      }
      const delivery = list.find((r) => r.type === 'delivery.recorded' && r.kind === 'live_birth' && r.event_date?.startsWith(Y));
      const visits = list.filter((r) => r.visit_kind === 'postpartum_visit' || r.visit_kind === 'postpartum_42d');
      const delivered = delivery?.event_date ?? visits.find((v) => v.delivered_on?.startsWith(Y))?.delivered_on;
      if (delivered) {
        const discharged = delivery?.discharged_on ?? visits.find((v) => v.discharged_on)?.discharged_on ?? delivered;
        if (visits.some((v) => faceToFace(v) && between(days(discharged, v.event_date!), 0, 28))) postpartum++;
        const first = list.filter((r) => r.visit_kind === 'first_prenatal' && between(days(r.event_date!, delivered), 0, 300));
        if (first.some((r) => r.gestational_weeks !== null && r.gestational_weeks < 13)) early++;
      }
      if (birth && Number(Y) - Number(birth.slice(0, 4)) >= 65) {
        const archived = list.filter((r) => r.type === 'archive.created').map((r) => r.event_date ?? '').sort()[0];
        const inYear = list.filter((r) => r.event_date?.startsWith(Y));
        if (inYear.some((r) => r.type === 'health_check.recorded' && r.kind === 'elderly_annual' && (r.service_items & formMask) === formMask && archived && archived <= r.event_date!)) managed++;
        if (inYear.some((r) => r.service_items & constitution) && inYear.some((r) => r.service_items & tcmGuidance)) tcm++;
      }
    }
    expect(between(newborn / births, 0.75, 0.95), `newborn ${newborn}/${births}`).toBe(true);
    expect(between(postpartum / births, 0.72, 0.95), `postpartum ${postpartum}/${births}`).toBe(true);
    expect(between(early / births, 0.62, 0.88), `early pregnancy ${early}/${births}`).toBe(true);
    expect(between(managed / elderly, 0.55, 0.75), `elderly ${managed}/${elderly}`).toBe(true);
    expect(between(tcm / elderly, 0.53, 0.72), `elderly TCM ${tcm}/${elderly}`).toBe(true);
  });
});
