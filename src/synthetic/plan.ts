// What happens to one resident, as a list of (day, kind, detail) triples: the schedule of the
// services and archive changes, not yet the events. Plans are small numbers only, so the
// whole district's schedule fits in typed arrays even at full scale.
import { dayOf, FOREVER, yearStart } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import { hashSeed, Random } from './random.js';
import { CHILD_TCM_MONTHS, WELL_CHILD_MONTHS } from './rates.js';
import { type Condition, institutionAt, isPresent, type Resident } from './resident.js';

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
  // v1.1
  delivery: 12,
  link: 13,
  transfer: 14,
  reopen: 15,
  tcmService: 16,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Programme numbers in `aux` (bits 0–2), in CONTRACT order. */
export const PROGRAM_NAMES = ['hypertension', 'diabetes', 'severe_mental_disorder', 'tuberculosis', 'child', 'maternal', 'elderly'] as const;
const [HYPERTENSION, DIABETES, SMD, TB, CHILD, MATERNAL] = [0, 1, 2, 3, 4, 5] as const;

/** Visit kinds in `aux` (bits 3–5); 0 = none. */
export const VISIT_KINDS = ['', 'newborn_home_visit', 'well_child_check', 'first_prenatal', 'prenatal', 'postpartum_visit', 'postpartum_42d'] as const;
const [NEWBORN, WELL_CHILD, FIRST_PRENATAL, PRENATAL, POSTPARTUM, POSTPARTUM_42D] = [1, 2, 3, 4, 5, 6] as const;

/** `program.exited` reasons (CONTRACT v1.1, coded), as the variant of an exit. */
export const EXIT_REASONS = ['completed', 'cured', 'died', 'moved_out', 'lost', 'treatment_failed', 'other'] as const;
const [COMPLETED, CURED, DIED, MOVED_OUT, LOST, TREATMENT_FAILED] = [0, 1, 2, 3, 4, 5] as const;

/** Variants: an exit's reason (above); for the other kinds: */
export const Variant = {
  /** well-child check: TCM health guidance given */
  tcmGuidance: 1,
  /** termination: recorded by mistake (the person lives on here) */
  mistaken: 1,
  /** reopen: 0 the person came back, 1 the termination was a mistake */
  correction: 1,
} as const;

/** The same visit sent a second time (flag bit 15): rebuilt from the original's seed. */
export const RESENT = 1 << 15;
/** Share of follow-ups sent twice (two event ids, one visit). */
const RESEND_SHARE = 0.003;

/** aux = programme | visit kind << 3 | step << 6 | variant << 10 (| RESENT); step: which tuberculosis visit. */
export function auxOf(program: number, visitKind = 0, step = 0, variant = 0): number {
  return program | (visitKind << 3) | (step << 6) | (variant << 10);
}
export const auxProgram = (aux: number) => aux & 7;
export const auxVisitKind = (aux: number) => (aux >> 3) & 7;
export const auxStep = (aux: number) => (aux >> 6) & 15;
export const auxVariant = (aux: number) => (aux >> 10) & 15;
export const auxResent = (aux: number) => (aux & RESENT) !== 0;

export type Emit = (day: number, kind: Kind, aux: number) => void;

const PLAN_STREAM = 0x91a7;
/** Maternal records reach back this far before the period: 2024's deliveries were registered in 2023. */
const PREGNANCY_BACKLOG_DAYS = 300;

export function planEvents(layout: DistrictLayout, r: Resident, emit: Emit): void {
  const rng = new Random(hashSeed(layout.seed, r.ref, PLAN_STREAM));
  const { startDay, untilDay } = layout;
  // Services are recorded only in an existing archive, while the person lives here (or again,
  // once the archive is reopened after a return), in the period.
  const active = (day: number) =>
    day >= r.archiveDay && (day < r.departure || day >= r.reopenDay) && day <= untilDay && day >= startDay;
  // Mothers and newborns are seen whether or not they have an archive (the visit form is their
  // record: a newborn's visit establishes the child's archive).
  const present = (day: number) => isPresent(r, day) && day <= untilDay && day >= startDay;
  const archived = r.archiveDay !== FOREVER;

  // A follow-up, sometimes sent twice.
  const followup = (day: number, aux: number) => {
    emit(day, Kind.followup, aux);
    if (rng.chance(RESEND_SHARE)) emit(day, Kind.followup, aux | RESENT);
  };

  if (archived) emit(r.archiveDay, Kind.archive, 0);
  if (r.duplicateDay !== FOREVER) emit(r.duplicateDay, Kind.duplicate, 0);
  const conditions = [[r.hypertension, HYPERTENSION], [r.diabetes, DIABETES], [r.smd, SMD]] as const;
  for (const [condition, program] of conditions) {
    // Enrolments from before the period are sent too: without them nobody is "under management".
    if (condition && condition.enrolled !== FOREVER) emit(condition.enrolled, Kind.enrol, program);
  }
  archiveLife(rng, layout, r, archived, conditions, emit);
  if (r.moveDay !== FOREVER && r.moveDay > r.archiveDay) {
    const day = r.moveDay + rng.int(0, 30);
    // A move to a street another institution serves transfers the archive (一人一档一属地).
    const transfer = institutionAt(layout, r, r.moveDay - 1) !== institutionAt(layout, r, r.moveDay);
    if (active(day)) emit(day, transfer ? Kind.transfer : Kind.moveUpdate, 0);
  }
  if (r.linkReason !== null && r.linkDay <= untilDay && present(r.linkDay)) {
    emit(r.linkDay, Kind.link, r.linkReason === 'correction' ? Variant.correction : 0);
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
    quarterly(rng, y, r.hypertension, HYPERTENSION, active, followup);
    quarterly(rng, y, r.diabetes, DIABETES, active, followup);
    severeMentalDisorder(rng, from, r.smd, active, followup);
    const managed = (r.hypertension?.enrolled ?? FOREVER) !== FOREVER || (r.diabetes?.enrolled ?? FOREVER) !== FOREVER;
    const managedThisYear = Math.min(r.hypertension?.enrolled ?? FOREVER, r.diabetes?.enrolled ?? FOREVER) <= from + 364;
    if (age >= 65) {
      const day = from + rng.int(31, 334);
      if (rng.chance(street?.elderlyRate ?? 0.8) && active(day)) emit(day, Kind.elderlyCheck, 0);
    } else if (age >= 18 && rng.chance(managedThisYear ? CHRONIC_ANNUAL_CHECK : 0.07)) {
      // Managed hypertension and diabetes patients get a yearly, fuller check (3rd ed.: 每年1次较全面的健康体检).
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.generalCheck, 0);
    }
    const services = rng.poisson(0.1 + 0.0045 * Math.max(0, age) + (managed ? 0.2 : 0));
    for (let i = 0; i < services; i++) {
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.service, 0);
    }
    // 老年人中医药健康管理: a constitution assessment with TCM guidance, apart from the annual check.
    if (age >= 65 && rng.chance(ELDERLY_TCM_SERVICE)) {
      const day = from + rng.int(0, 364);
      if (active(day)) emit(day, Kind.tcmService, 0);
    }
  }
  if (r.birthDay + 7 * 366 >= startDay) childVisits(rng, r, (r.ref & 1) === 1 ? present : active, followup);
  if (r.deliveryDay !== FOREVER) {
    const maternal = (day: number) => isPresent(r, day) && day <= untilDay && day >= startDay - PREGNANCY_BACKLOG_DAYS;
    maternalVisits(rng, r, maternal, emit, followup);
  }
  if (r.tbDay !== FOREVER) tuberculosis(rng, r, active, emit, followup);
}

/** Chance a year that a managed hypertension or diabetes patient under 65 has the annual health check. */
const CHRONIC_ANNUAL_CHECK = 0.8;

/** Chance a year that an elderly person has a TCM health management service besides the check. */
const ELDERLY_TCM_SERVICE = 0.36;

type Followup = (day: number, aux: number) => void;

/**
 * Terminations, reopenings and programme exits: the departure terminates the archive (and most
 * managed patients get an exit, coded), a return reopens it (and re-enrols them); a termination
 * recorded by mistake is reopened as a correction.
 */
function archiveLife(
  rng: Random,
  layout: DistrictLayout,
  r: Resident,
  archived: boolean,
  conditions: readonly (readonly [Condition | null, number])[],
  emit: Emit,
): void {
  const { untilDay } = layout;
  if (r.mistakenEndDay !== FOREVER && archived && r.mistakenEndDay > r.archiveDay) {
    emit(r.mistakenEndDay, Kind.terminate, auxOf(0, 0, 0, Variant.mistaken));
    if (r.reopenDay <= untilDay) emit(r.reopenDay, Kind.reopen, auxOf(0, 0, 0, Variant.correction));
  }
  if (r.departure === FOREVER || r.terminationDay > untilDay) return;
  if (archived) emit(r.terminationDay, Kind.terminate, 0);
  const reopened = archived && r.returnDay !== FOREVER && r.reopenDay <= untilDay;
  if (reopened) emit(r.reopenDay, Kind.reopen, 0);
  const reason = r.departureReason === 'death' ? DIED : r.departureReason === 'moved_out' ? MOVED_OUT : LOST;
  const share = reason === DIED ? 0.85 : reason === MOVED_OUT ? 0.8 : 0.5;
  for (const [condition, program] of conditions) {
    if (!condition || condition.enrolled >= r.departure || !rng.chance(share)) continue;
    emit(Math.min(untilDay, r.departure + rng.int(0, 30)), Kind.exit, auxOf(program, 0, 0, reason));
    if (reopened) emit(r.reopenDay, Kind.enrol, program);
  }
}

/** Hypertension and diabetes: one follow-up per quarter when the patient keeps appointments. */
function quarterly(rng: Random, year: number, c: Condition | null, program: number, active: (d: number) => boolean, followup: Followup): void {
  if (!c || c.enrolled === FOREVER) return;
  for (let q = 0; q < 4; q++) {
    const from = dayOf(year, 3 * q + 1, 1);
    const to = dayOf(year, 3 * q + 4, 1) - 1;
    const visits = rng.chance(c.regularity) ? (rng.chance(0.08) ? 2 : 1) : 0;
    for (let v = 0; v < visits; v++) {
      const day = from + rng.int(3, to - from - 3);
      if (day >= c.enrolled && active(day)) followup(day, auxOf(program));
    }
  }
}

/** Severe mental disorders: 4–6 visits a year for most, 1–3 for the irregular. */
function severeMentalDisorder(rng: Random, from: number, c: Condition | null, active: (d: number) => boolean, followup: Followup): void {
  if (!c || c.enrolled === FOREVER) return;
  const visits = rng.chance(c.regularity) ? rng.int(4, 6) : rng.int(1, 3);
  const span = Math.floor(365 / visits);
  for (let i = 0; i < visits; i++) {
    const day = from + i * span + rng.int(0, span - 1);
    if (day >= c.enrolled && active(day)) followup(day, auxOf(SMD));
  }
}

/** Children 0–6: the newborn home visit, then checks at the ages the national schedule sets. */
function childVisits(rng: Random, r: Resident, seen: (d: number) => boolean, followup: Followup): void {
  const bornHere = (r.ref & 1) === 1;
  if (bornHere && rng.chance(0.97)) {
    // 出院后1周内 for most; some a week or two late, a few only weeks after the birth.
    const u = rng.next();
    const day = u < 0.9 ? r.dischargeDay + rng.int(1, 7) : u < 0.98 ? r.dischargeDay + rng.int(8, 21) : r.birthDay + rng.int(22, 40);
    if (seen(day)) followup(day, auxOf(CHILD, NEWBORN));
  }
  // Families that take up TCM guidance get it at most of the 6–36-month checks.
  const tcm = rng.chance(0.82);
  for (const months of WELL_CHILD_MONTHS) {
    const day = r.birthDay + Math.round(months * 30.44) + rng.int(-5, 14);
    const guided = tcm && CHILD_TCM_MONTHS.includes(months) && rng.chance(0.95);
    if (rng.chance(months <= 36 ? 0.92 : 0.88) && seen(day)) followup(day, auxOf(CHILD, WELL_CHILD, 0, guided ? Variant.tcmGuidance : 0));
  }
}

function maternalVisits(rng: Random, r: Resident, seen: (d: number) => boolean, emit: Emit, followup: Followup): void {
  const first = r.firstPrenatalDay;
  const end = r.deliveryDay;
  if (seen(first)) {
    emit(first, Kind.enrol, MATERNAL);
    followup(first, auxOf(MATERNAL, FIRST_PRENATAL));
  }
  for (const week of [18, 24, 32, 38]) {
    const day = r.lmpDay + week * 7 + rng.int(0, 6);
    if (day > first + 14 && day < end && rng.chance(0.85) && seen(day)) followup(day, auxOf(MATERNAL, PRENATAL));
  }
  // The delivery, as the hospital reports it at discharge (a few never reach the community).
  if (rng.chance(0.95) && seen(r.dischargeDay)) emit(r.dischargeDay, Kind.delivery, 0);
  if (r.outcome === 'miscarriage' || r.outcome === 'induced') return;
  if (rng.chance(0.96)) {
    // 产后访视: 3–10 days after discharge for most, some weeks late (past the 28-day window).
    const u = rng.next();
    const visit = r.dischargeDay + (u < 0.88 ? rng.int(3, 10) : u < 0.9 ? rng.int(11, 28) : rng.int(29, 45));
    if (seen(visit)) followup(visit, auxOf(MATERNAL, POSTPARTUM));
  }
  const check = end + 42 + rng.int(0, 10);
  if (rng.chance(0.85) && seen(check)) followup(check, auxOf(MATERNAL, POSTPARTUM_42D));
}

/**
 * Tuberculosis: enrolled on notification, a home visit, then monthly for six months of
 * treatment. Courses end cured or completed for most; non-adherent patients are more often
 * lost or fail treatment; a death or a move ends the course with that reason.
 */
function tuberculosis(rng: Random, r: Resident, active: (d: number) => boolean, emit: Emit, followup: Followup): void {
  const enrolled = r.tbDay + rng.int(0, 5);
  if (!active(enrolled)) return;
  emit(enrolled, Kind.enrol, TB);
  const first = enrolled + rng.int(0, 3);
  if (active(first)) followup(first, auxOf(TB, 0, 0));
  const outcome: number = r.tbAdherent
    ? rng.weighted([[CURED, 50], [COMPLETED, 46], [TREATMENT_FAILED, 3], [LOST, 1]] as const)
    : rng.weighted([[CURED, 25], [COMPLETED, 30], [LOST, 30], [TREATMENT_FAILED, 15]] as const);
  const months = outcome === LOST ? rng.int(1, 4) : 6;
  for (let month = 1; month <= months; month++) {
    const day = enrolled + 30 * month + rng.int(-3, 3);
    if (rng.chance(0.95) && active(day)) followup(day, auxOf(TB, 0, month));
  }
  const end = outcome === LOST ? enrolled + 30 * months + rng.int(20, 45) : outcome === TREATMENT_FAILED ? enrolled + rng.int(150, 183) : enrolled + 183 + rng.int(0, 7);
  if (active(end)) emit(end, Kind.exit, auxOf(TB, 0, 0, outcome));
  else if (r.departure <= end && active(r.departure - 1)) {
    // Died, moved or was lost during treatment: the course ends then.
    const reason = r.departureReason === 'death' ? DIED : r.departureReason === 'moved_out' ? MOVED_OUT : LOST;
    emit(r.departure, Kind.exit, auxOf(TB, 0, 0, reason));
  }
}
