// One synthetic resident's life during the period, drawn from a generator seeded by the
// resident's slot alone. Rebuilding a resident is cheap and always gives the same person,
// which is what lets the district stream its events without holding them in memory.
import { ALWAYS, birthdayAt, FOREVER, yearOf, yearStart } from './calendar.js';
import { idNumber } from './identity.js';
import { type DistrictLayout, SERIAL_BLOCK } from './layout.js';
import { DESTINATIONS, givenName, surname } from './names.js';
import { cumulativeOf, hashSeed, Random } from './random.js';
import { type Condition, conditionOf, DIABETES, HYPERTENSION, SEVERE_MENTAL_DISORDER } from './conditions.js';
import * as rates from './rates.js';

export type { Condition } from './conditions.js';

export type DepartureReason = 'death' | 'moved_out' | 'lost_to_follow_up';
/** How a pregnancy ended (CONTRACT v1.1 `delivery.recorded`.outcome). */
export type PregnancyOutcome = 'live_birth' | 'stillbirth' | 'miscarriage' | 'induced';
/** Why a later identifier replaces an earlier one (`person.linked`.reason). */
export type LinkReason = 'birth_certificate' | 'correction';

/** Which ID sequence a resident draws: their own, their newborn's, or the one a clerk mistyped. */
export const Role = { own: 0, child: 1, typo: 2 } as const;
export type Role = (typeof Role)[keyof typeof Role];

export interface Resident {
  /** slot × 2 for the resident, slot × 2 + 1 for a child born to her during the period */
  ref: number;
  slot: number;
  community: number;
  local: number;
  mover: boolean;
  sex: 1 | 2;
  birthDay: number;
  birthYear: number;
  addressIndex: number;
  /** ID sequence number (the ID itself is built only when an event needs it: see residentId) */
  sequence: number;
  surname: string;
  name: string;
  registered: boolean;
  arrival: number;
  departure: number;
  departureReason: DepartureReason | null;
  destination: string;
  /** the archive's termination after the departure (may lie after `until`), FOREVER when none */
  terminationDay: number;
  /** back in the district after moving out or being lost: present again from this day */
  returnDay: number;
  /** a termination recorded by mistake while the person lives on here, FOREVER when none */
  mistakenEndDay: number;
  mistakenReason: 'death' | 'lost_to_follow_up';
  /** the archive reopened (after the return, or correcting the mistaken termination) */
  reopenDay: number;
  moveDay: number;
  moveCommunity: number;
  archiveDay: number;
  archiveNo: string;
  medium: 'electronic' | 'paper';
  duplicateDay: number;
  duplicateNo: string;
  duplicateInstitution: string;
  hypertension: Condition | null;
  diabetes: Condition | null;
  smd: Condition | null;
  tbDay: number;
  tbAdherent: boolean;
  /** pregnancy: the day it ended, the delivery for most (may lie after `until`), FOREVER when none */
  deliveryDay: number;
  lmpDay: number;
  firstPrenatalDay: number;
  /** the mother's (and her newborn's) discharge from the hospital */
  dischargeDay: number;
  outcome: PregnancyOutcome;
  child: Resident | null;
  /**
   * Identity: events dated before `linkDay` carry an earlier identifier (a newborn's birth
   * certificate; a mistyped ID from `typoFrom`), then a `person.linked` event on `linkDay`
   * joins the two. FOREVER / null when the person has one identifier throughout.
   */
  linkDay: number;
  linkReason: LinkReason | null;
  typoFrom: number;
  /** ID sequence of the mistyped ID (same address, birth date and sex: a valid, unused number) */
  typoSequence: number;
  /** 出生医学证明 number of a newborn first recorded under it */
  certificateNo: string;
}

/** Sequence numbers come from the district's registry, so that IDs are unique (identity.ts). */
export type SequenceSource = (slot: number, role: Role, addressIndex: number, birthDay: number, sex: 1 | 2) => number;

const PERSON_STREAM = 0x9e501;
const CHILD_STREAM = 0xc411d;

/** Share of newborns first recorded under their birth certificate (出生医学证明) number. */
const BIRTH_CERTIFICATE_SHARE = 0.1;
/** Share of adults whose events carry a mistyped (but valid) ID number for a while. */
const TYPO_SHARE = 0.002;
/** Chance that someone who moved out or was lost comes back during the period (per departure). */
const RETURN_MOVED_OUT = 0.05;
const RETURN_LOST = 0.3;
/** Chance over the period that an archive is terminated by mistake (a death recorded for the wrong person). */
const MISTAKEN_TERMINATION = 0.001;

/** The resident's citizen ID number (GB 11643). */
export function residentId(layout: DistrictLayout, r: Resident): string {
  return idNumber(layout.addressCodes[r.addressIndex] ?? layout.county, r.birthDay, r.sequence);
}

export function communityAt(r: Resident, day: number): number {
  return day >= r.moveDay ? r.moveCommunity : r.community;
}

/** The institution that serves the street the person lives in on that day. */
export function institutionAt(layout: DistrictLayout, r: Resident, day: number): string {
  const community = layout.communities[communityAt(r, day)];
  return layout.streets[community?.street ?? 0]?.institution ?? '';
}

export function isPresent(r: Resident, day: number): boolean {
  return (r.arrival <= day && day < r.departure) || day >= r.returnDay;
}

/** The mistyped ID: same address, birth date and sex, another (unused) sequence number. */
export function typoId(layout: DistrictLayout, r: Resident): string {
  return idNumber(layout.addressCodes[r.addressIndex] ?? layout.county, r.birthDay, r.typoSequence);
}

function archiveNumber(layout: DistrictLayout, community: number, serial: number): string {
  return `${layout.communities[community]?.code ?? ''}${String(serial).padStart(5, '0')}`;
}

/** Campaign years before the period and their running weights, per first year (computed once). */
const archiveYearTables = new Map<number, { years: number[]; cumulative: number[] }>();

function archiveYearTable(firstYear: number): { years: number[]; cumulative: number[] } {
  let table = archiveYearTables.get(firstYear);
  if (!table) {
    const years: number[] = [];
    for (let y = 2009; y < firstYear; y++) years.push(y);
    table = { years, cumulative: cumulativeOf(years.map(rates.archiveYearWeight)) };
    archiveYearTables.set(firstYear, table);
  }
  return table;
}

/** An archive made before the period: in a campaign year, never before the person was born. */
function historicArchiveDay(rng: Random, layout: DistrictLayout, birthDay: number): number {
  const { years, cumulative } = archiveYearTable(layout.firstYear);
  const year = years[rng.cumulative(cumulative)];
  let day = year !== undefined ? yearStart(year) + rng.int(0, 364) : layout.startDay - rng.int(1, 1000);
  if (day < birthDay + 7) day = birthDay + rng.int(7, 45);
  return day;
}

function departureOf(rng: Random, layout: DistrictLayout, r: Resident): void {
  const birthYear = r.birthYear;
  for (let y = layout.firstYear; y <= layout.lastYear; y++) {
    const from = Math.max(yearStart(y), r.arrival + 30);
    const to = Math.min(yearStart(y + 1) - 1, layout.untilDay);
    const draw = rng.next();
    const when = rng.next();
    if (from > to) continue;
    // A partial year (arrival, or the year of `until`) carries a proportional hazard.
    const exposure = (to - from + 1) / 365.25;
    const death = rates.mortality(y - birthYear) * exposure;
    const moved = rates.moveOutRate(y - birthYear) * exposure;
    const lost = rates.LOST_TO_FOLLOW_UP_RATE * exposure;
    if (draw >= death + moved + lost) continue;
    r.departure = from + Math.floor(when * (to - from + 1));
    r.departureReason = draw < death ? 'death' : draw < death + moved ? 'moved_out' : 'lost_to_follow_up';
    if (r.departureReason === 'moved_out') r.destination = rng.pick(DESTINATIONS);
    return;
  }
}

function pregnancyOf(rng: Random, layout: DistrictLayout, r: Resident): void {
  const birthYear = r.birthYear;
  for (let y = layout.firstYear; y <= layout.lastYear + 1; y++) {
    if (!rng.chance(rates.fertility(y - birthYear))) continue;
    const delivery = yearStart(y) + rng.int(0, 364);
    const lmp = delivery - rng.int(259, 290);
    // Most register before 13 weeks (早孕建册), some at 13–16, a few only in mid-pregnancy.
    const u = rng.next();
    const firstWeek = u < 0.78 ? rng.int(6, 12) : u < 0.92 ? rng.int(13, 16) : rng.int(17, 24);
    const firstPrenatal = lmp + firstWeek * 7 + rng.int(0, 6);
    // Only pregnancies that are visible by `until`, of women living here through the delivery.
    if (firstPrenatal <= layout.untilDay && firstPrenatal >= r.arrival && delivery < r.departure) {
      r.deliveryDay = delivery;
      r.lmpDay = lmp;
      r.firstPrenatalDay = firstPrenatal;
      // Registering a pregnancy usually creates the mother's archive if she had none.
      if (r.archiveDay > firstPrenatal && rng.chance(0.9)) r.archiveDay = firstPrenatal;
    }
    return;
  }
}

function childOf(layout: DistrictLayout, mother: Resident, sequence: SequenceSource): Resident {
  const rng = new Random(hashSeed(layout.seed, mother.slot, CHILD_STREAM));
  const sex = rng.chance(0.515) ? 1 : 2;
  const birthDay = mother.deliveryDay;
  const addressIndex = rng.chance(0.9) ? 0 : mother.addressIndex;
  const seq = sequence(mother.slot, Role.child, addressIndex, birthDay, sex);
  const family = rng.chance(0.85) ? surname(rng) : mother.surname;
  // Children leave with their mother; an orphaned child stays (with relatives) in the district.
  const leaves = mother.departureReason === 'moved_out' || mother.departureReason === 'lost_to_follow_up';
  const departure = leaves ? mother.departure : FOREVER;
  const archiveDay = rng.chance(0.98) ? birthDay + rng.int(3, 45) : FOREVER;
  // Drawn after everything above, so that adding them left the earlier draws as they were.
  const certificate = rng.chance(BIRTH_CERTIFICATE_SHARE);
  const linkDay = certificate ? birthDay + rng.int(14, 150) : FOREVER;
  return {
    ...mother,
    ref: mother.slot * 2 + 1,
    sex,
    birthDay,
    birthYear: yearOf(birthDay),
    addressIndex,
    sequence: seq,
    surname: family,
    name: family + givenName(rng, sex),
    arrival: birthDay,
    departure,
    departureReason: leaves ? mother.departureReason : null,
    archiveDay: archiveDay <= layout.untilDay && archiveDay < departure ? archiveDay : FOREVER,
    archiveNo: archiveNumber(layout, mother.community, SERIAL_BLOCK + mother.local + 1),
    medium: rng.chance(0.97) ? 'electronic' : 'paper',
    duplicateDay: FOREVER,
    hypertension: null,
    diabetes: null,
    smd: null,
    tbDay: FOREVER,
    deliveryDay: FOREVER,
    dischargeDay: mother.dischargeDay,
    outcome: 'live_birth',
    child: null,
    terminationDay: leaves ? mother.terminationDay : FOREVER,
    returnDay: leaves ? mother.returnDay : FOREVER,
    reopenDay: leaves ? mother.reopenDay : FOREVER,
    mistakenEndDay: FOREVER,
    linkDay,
    linkReason: certificate ? 'birth_certificate' : null,
    typoFrom: FOREVER,
    typoSequence: 0,
    certificateNo: certificate ? certificateNumber(layout, mother.slot) : '',
  };
}

/**
 * 出生医学证明 numbers: a letter and nine digits. Unique within the district: the mother's slot
 * mapped one-to-one (7919 is prime to 10^7) onto seven digits, so it looks arbitrary.
 */
function certificateNumber(layout: DistrictLayout, slot: number): string {
  return `Q50${String((slot * 7919 + (layout.seed % 10_000_000)) % 10_000_000).padStart(7, '0')}`;
}

/** How the pregnancy ends and when mother and child leave the hospital. */
function pregnancyEndOf(rng: Random, r: Resident): void {
  const u = rng.next();
  const stay = rng.weighted(DISCHARGE_AFTER);
  // Miscarriage and induced abortion before 28 weeks, after the pregnancy was registered.
  const latest = r.lmpDay + 27 * 7;
  const early = Math.min(latest, r.firstPrenatalDay + rng.int(7, 63));
  if (u < 0.012 && early > r.firstPrenatalDay) {
    r.outcome = 'miscarriage';
    r.deliveryDay = early;
  } else if (u < 0.02 && early > r.firstPrenatalDay) {
    r.outcome = 'induced';
    r.deliveryDay = early;
  } else if (u < 0.024) {
    r.outcome = 'stillbirth';
  }
  r.dischargeDay = r.deliveryDay + (r.outcome === 'live_birth' || r.outcome === 'stillbirth' ? stay : rng.int(0, 2));
}

/** Days in hospital after a delivery: 2–3 after most vaginal births, 4–6 after a caesarean. */
const DISCHARGE_AFTER = [[1, 4], [2, 26], [3, 28], [4, 17], [5, 15], [6, 6], [7, 4]] as const;

/** Terminations and returns: the archive's life after the departure, or a termination by mistake. */
function archiveLifeOf(rng: Random, layout: DistrictLayout, r: Resident): void {
  const { startDay, untilDay } = layout;
  if (r.departure !== FOREVER) {
    r.terminationDay = r.departure + rng.int(0, 40);
    const back = r.departureReason === 'moved_out' ? RETURN_MOVED_OUT : r.departureReason === 'lost_to_follow_up' ? RETURN_LOST : 0;
    if (rng.chance(back)) {
      const day = r.terminationDay + rng.int(30, 400);
      if (day <= untilDay) {
        r.returnDay = day;
        r.reopenDay = day + rng.int(0, 30);
      }
    }
  } else if (r.archiveDay !== FOREVER && rng.chance(MISTAKEN_TERMINATION)) {
    const day = Math.max(startDay, r.archiveDay + 1) + rng.int(0, untilDay - startDay);
    if (day <= untilDay) {
      r.mistakenEndDay = day;
      r.mistakenReason = rng.chance(0.7) ? 'death' : 'lost_to_follow_up';
      r.reopenDay = day + rng.int(7, 120);
    }
  }
}

/** A clerk types another valid ID for a while (a new archive, or one institution's records), corrected later. */
function typoOf(rng: Random, layout: DistrictLayout, r: Resident, sequence: SequenceSource): void {
  if (r.archiveDay === FOREVER || !rng.chance(TYPO_SHARE)) return;
  const { startDay, untilDay } = layout;
  const from = r.archiveDay >= startDay && rng.chance(0.5) ? r.archiveDay : Math.max(startDay, r.archiveDay + 1) + rng.int(0, untilDay - startDay);
  const to = from + rng.int(20, 300);
  if (from > untilDay || to >= r.departure || to >= r.mistakenEndDay || from < birthdayAt(r.birthDay, 18)) return;
  r.typoFrom = from;
  r.linkDay = to;
  r.linkReason = 'correction';
  r.typoSequence = sequence(r.slot, Role.typo, r.addressIndex, r.birthDay, r.sex);
}

export function makeResident(layout: DistrictLayout, slot: number, sequence: SequenceSource): Resident {
  const rng = new Random(hashSeed(layout.seed, slot, PERSON_STREAM));
  const community = layout.communityOfSlot(slot);
  const street = layout.streets[community.street];
  if (!street) throw new Error(`community ${community.code} has no street`);
  const local = slot - community.offset;
  const mover = local >= community.initial;
  const arrival = mover ? layout.startDay + rng.int(0, layout.untilDay - layout.startDay) : ALWAYS;
  const age = mover ? rates.moverAge(rng) : rates.residentAge(rng);
  const birthDay = (mover ? arrival : layout.startDay) - Math.floor((age + rng.next()) * 365.25) - 1;
  const sex = rng.chance(age >= 75 ? 0.44 : 0.505) ? 1 : 2;
  const addressIndex = rng.chance(mover ? 0.15 : 0.75) ? 0 : rng.int(1, layout.addressCodes.length - 1);
  const seq = sequence(slot, Role.own, addressIndex, birthDay, sex);
  const family = surname(rng);
  const r: Resident = {
    ref: slot * 2, slot, community: community.index, local, mover, sex, birthDay, birthYear: yearOf(birthDay), addressIndex,
    sequence: seq,
    surname: family,
    name: family + givenName(rng, sex),
    registered: rng.chance(addressIndex === 0 ? 0.93 : 0.35),
    arrival, departure: FOREVER, departureReason: null, destination: '',
    terminationDay: FOREVER, returnDay: FOREVER, mistakenEndDay: FOREVER, mistakenReason: 'death', reopenDay: FOREVER,
    moveDay: FOREVER, moveCommunity: community.index,
    archiveDay: FOREVER, archiveNo: archiveNumber(layout, community.index, local + 1),
    medium: rng.chance(street.paperRate) ? 'paper' : 'electronic',
    duplicateDay: FOREVER, duplicateNo: '', duplicateInstitution: '',
    hypertension: null, diabetes: null, smd: null, tbDay: FOREVER, tbAdherent: true,
    deliveryDay: FOREVER, lmpDay: FOREVER, firstPrenatalDay: FOREVER, dischargeDay: FOREVER, outcome: 'live_birth', child: null,
    linkDay: FOREVER, linkReason: null, typoFrom: FOREVER, typoSequence: 0, certificateNo: '',
  };
  departureOf(rng, layout, r);

  if (rng.chance(street.coverage)) {
    let day: number;
    if (mover) day = arrival + rng.int(7, 150);
    else if (rng.chance(0.97)) day = historicArchiveDay(rng, layout, birthDay);
    else day = layout.startDay + rng.int(0, layout.untilDay - layout.startDay);
    if (day <= layout.untilDay && day < r.departure) r.archiveDay = day;
  }
  if (sex === 2) pregnancyOf(rng, layout, r);
  r.hypertension = conditionOf(rng, layout, r, HYPERTENSION);
  r.diabetes = conditionOf(rng, layout, r, DIABETES);
  r.smd = conditionOf(rng, layout, r, SEVERE_MENTAL_DISORDER);

  for (let y = layout.firstYear; y <= layout.lastYear && r.tbDay === FOREVER; y++) {
    if (y - r.birthYear < 15 || !rng.chance(rates.TB_INCIDENCE)) continue;
    const day = Math.max(yearStart(y), arrival) + rng.int(0, 364);
    if (day > r.archiveDay && day <= layout.untilDay && day < r.departure) r.tbDay = day;
  }
  r.tbAdherent = rng.chance(0.9);

  // Mothers and newcomers stay put: it keeps every archive number unique within its community.
  for (let y = layout.firstYear; y <= layout.lastYear && !mover && r.deliveryDay === FOREVER; y++) {
    if (!rng.chance(rates.INTERNAL_MOVE_RATE)) continue;
    const day = yearStart(y) + rng.int(0, 364);
    if (day <= layout.untilDay && day < r.departure && layout.communities.length > 1) {
      r.moveDay = day;
      const other = rng.int(0, layout.communities.length - 2);
      r.moveCommunity = other >= community.index ? other + 1 : other;
    }
    break;
  }

  if (r.archiveDay !== FOREVER && rng.chance(0.03)) {
    const day = r.archiveDay + rng.int(30, 2500);
    if (day <= layout.untilDay && day < r.departure) {
      r.duplicateDay = day;
      r.duplicateInstitution = rng.pick(street.otherInstitutions);
      r.duplicateNo = archiveNumber(layout, community.index, 2 * SERIAL_BLOCK + local + 1);
    }
  }
  // v1.1 facts, drawn last so that the draws above stay as they were.
  if (r.deliveryDay !== FOREVER) pregnancyEndOf(rng, r);
  archiveLifeOf(rng, layout, r);
  typoOf(rng, layout, r, sequence);
  if (r.deliveryDay <= layout.untilDay && r.outcome === 'live_birth') r.child = childOf(layout, r, sequence);
  return r;
}
