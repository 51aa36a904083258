// What happens to one resident, as a list of (day, kind, detail) triples: the schedule of the
// services and archive changes, not yet the events. Plans are small numbers only, so the
// whole district's schedule fits in typed arrays even at full scale.
import { dayOf, FOREVER, yearStart } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import { hashSeed, Random } from './random.js';
import { WELL_CHILD_MONTHS } from './rates.js';
import type { Condition, Resident } from './resident.js';

export const Kind = {
  archive: 1,
  duplicate: 2,
  phoneUpdate: 3,
  moveUpdate: 4,
  terminate: 5,
  enrol: 6,
  exit: 7,
  followup: 8,
  elderlyCheck: 9,
  generalCheck: 10,
  service: 11,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Programme numbers in `aux` (bits 0–2), in CONTRACT order. */
export const PROGRAM_NAMES = ['hypertension', 'diabetes', 'severe_mental_disorder', 'tuberculosis', 'child', 'maternal', 'elderly'] as const;
const [HYPERTENSION, DIABETES, SMD, TB, CHILD, MATERNAL] = [0, 1, 2, 3, 4, 5] as const;

/** Visit kinds in `aux` (bits 3–5); 0 = none. */
export const VISIT_KINDS = ['', 'newborn_home_visit', 'well_child_check', 'first_prenatal', 'prenatal', 'postpartum_visit', 'postpartum_42d'] as const;
const [NEWBORN, WELL_CHILD, FIRST_PRENATAL, PRENATAL, POSTPARTUM, POSTPARTUM_42D] = [1, 2, 3, 4, 5, 6] as const;

/** aux = programme | visit kind << 3 | step << 6 (step: which tuberculosis visit). */
export function auxOf(program: number, visitKind = 0, step = 0): number {
  return program | (visitKind << 3) | (step << 6);
}
export const auxProgram = (aux: number) => aux & 7;
export const auxVisitKind = (aux: number) => (aux >> 3) & 7;
export const auxStep = (aux: number) => aux >> 6;

export type Emit = (day: number, kind: Kind, aux: number) => void;

const PLAN_STREAM = 0x91a7;

export function planEvents(layout: DistrictLayout, r: Resident, emit: Emit): void {
  const rng = new Random(hashSeed(layout.seed, r.ref, PLAN_STREAM));
  const { startDay, untilDay } = layout;
  // Services are recorded only in an existing archive, while the person lives here, in the period.
  const active = (day: number) => day >= r.archiveDay && day < r.departure && day <= untilDay && day >= startDay;
  const archived = r.archiveDay !== FOREVER;
  if (!archived) return;

  emit(r.archiveDay, Kind.archive, 0);
  if (r.duplicateDay !== FOREVER) emit(r.duplicateDay, Kind.duplicate, 0);
  const conditions = [[r.hypertension, HYPERTENSION], [r.diabetes, DIABETES], [r.smd, SMD]] as const;
  for (const [condition, program] of conditions) {
    // Enrolments from before the period are sent too: without them nobody is "under management".
    if (condition && condition.enrolled !== FOREVER) emit(condition.enrolled, Kind.enrol, program);
  }
  if (r.departure !== FOREVER) {
    const day = r.departure + rng.int(0, 40);
    if (day <= untilDay) emit(day, Kind.terminate, 0);
  }
  if (r.moveDay !== FOREVER && r.moveDay > r.archiveDay) {
    const day = r.moveDay + rng.int(0, 30);
    if (active(day)) emit(day, Kind.moveUpdate, 0);
  }

  const street = layout.streets[layout.communities[r.community]?.street ?? 0];
  const birthYear = r.birthYear;
  for (let y = layout.firstYear; y <= layout.lastYear; y++) {
    const from = yearStart(y);
    const age = y - birthYear;
    if (rng.chance(0.03)) {
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.phoneUpdate, 0);
    }
    quarterly(rng, y, r.hypertension, HYPERTENSION, active, emit);
    quarterly(rng, y, r.diabetes, DIABETES, active, emit);
    severeMentalDisorder(rng, from, r.smd, active, emit);
    if (age >= 65) {
      const day = from + rng.int(31, 334);
      if (rng.chance(street?.elderlyRate ?? 0.8) && active(day)) emit(day, Kind.elderlyCheck, 0);
    } else if (age >= 18 && rng.chance(0.07)) {
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.generalCheck, 0);
    }
    const managed = (r.hypertension?.enrolled ?? FOREVER) !== FOREVER || (r.diabetes?.enrolled ?? FOREVER) !== FOREVER;
    const services = rng.poisson(0.1 + 0.0045 * Math.max(0, age) + (managed ? 0.2 : 0));
    for (let i = 0; i < services; i++) {
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.service, 0);
    }
  }
  if (r.birthDay + 7 * 366 >= startDay) childVisits(rng, r, active, emit);
  if (r.deliveryDay !== FOREVER) maternalVisits(rng, r, active, emit);
  if (r.tbDay !== FOREVER) tuberculosis(rng, r, active, emit);
}

/** Hypertension and diabetes: one follow-up per quarter when the patient keeps appointments. */
function quarterly(rng: Random, year: number, c: Condition | null, program: number, active: (d: number) => boolean, emit: Emit): void {
  if (!c || c.enrolled === FOREVER) return;
  for (let q = 0; q < 4; q++) {
    const from = dayOf(year, 3 * q + 1, 1);
    const to = dayOf(year, 3 * q + 4, 1) - 1;
    const visits = rng.chance(c.regularity) ? (rng.chance(0.08) ? 2 : 1) : 0;
    for (let v = 0; v < visits; v++) {
      const day = from + rng.int(3, to - from - 3);
      if (day >= c.enrolled && active(day)) emit(day, Kind.followup, auxOf(program));
    }
  }
}

/** Severe mental disorders: 4–6 visits a year for most, 1–3 for the irregular. */
function severeMentalDisorder(rng: Random, from: number, c: Condition | null, active: (d: number) => boolean, emit: Emit): void {
  if (!c || c.enrolled === FOREVER) return;
  const visits = rng.chance(c.regularity) ? rng.int(4, 6) : rng.int(1, 3);
  const span = Math.floor(365 / visits);
  for (let i = 0; i < visits; i++) {
    const day = from + i * span + rng.int(0, span - 1);
    if (day >= c.enrolled && active(day)) emit(day, Kind.followup, auxOf(SMD));
  }
}

/** Children 0–6: the newborn home visit, then checks at the ages the national schedule sets. */
function childVisits(rng: Random, r: Resident, active: (d: number) => boolean, emit: Emit): void {
  const bornHere = (r.ref & 1) === 1;
  if (bornHere && rng.chance(0.95)) {
    const day = Math.max(r.archiveDay, r.birthDay + rng.int(3, 28));
    if (active(day)) emit(day, Kind.followup, auxOf(CHILD, NEWBORN));
  }
  for (const months of WELL_CHILD_MONTHS) {
    const day = r.birthDay + Math.round(months * 30.44) + rng.int(-5, 14);
    if (rng.chance(0.88) && active(day)) emit(day, Kind.followup, auxOf(CHILD, WELL_CHILD));
  }
}

function maternalVisits(rng: Random, r: Resident, active: (d: number) => boolean, emit: Emit): void {
  const first = r.firstPrenatalDay;
  if (active(first)) {
    emit(first, Kind.enrol, MATERNAL);
    emit(first, Kind.followup, auxOf(MATERNAL, FIRST_PRENATAL));
  }
  for (const week of [18, 24, 32, 38]) {
    const day = r.lmpDay + week * 7 + rng.int(0, 6);
    if (day > first + 14 && day < r.deliveryDay && rng.chance(0.85) && active(day)) {
      emit(day, Kind.followup, auxOf(MATERNAL, PRENATAL));
    }
  }
  const visit = r.deliveryDay + rng.int(3, 10);
  if (rng.chance(0.9) && active(visit)) emit(visit, Kind.followup, auxOf(MATERNAL, POSTPARTUM));
  const check = r.deliveryDay + 42 + rng.int(0, 10);
  if (rng.chance(0.85) && active(check)) emit(check, Kind.followup, auxOf(MATERNAL, POSTPARTUM_42D));
}

/** Tuberculosis: enrolled on notification, a home visit, then monthly for six months of treatment. */
function tuberculosis(rng: Random, r: Resident, active: (d: number) => boolean, emit: Emit): void {
  const enrolled = r.tbDay + rng.int(0, 5);
  if (!active(enrolled)) return;
  emit(enrolled, Kind.enrol, TB);
  const first = enrolled + rng.int(0, 3);
  if (active(first)) emit(first, Kind.followup, auxOf(TB, 0, 0));
  for (let month = 1; month <= 6; month++) {
    const day = enrolled + 30 * month + rng.int(-3, 3);
    if (rng.chance(0.95) && active(day)) emit(day, Kind.followup, auxOf(TB, 0, month));
  }
  const completed = enrolled + 183 + rng.int(0, 7);
  if (active(completed)) emit(completed, Kind.exit, TB);
}
