// One synthetic resident's life during the period, drawn from a generator seeded by the
// resident's slot alone. Rebuilding a resident is cheap and always gives the same person,
// which is what lets the district stream its events without holding them in memory.
import { ALWAYS, FOREVER, yearOf, yearStart } from './calendar.js';
import { idNumber } from './identity.js';
import { type DistrictLayout, SERIAL_BLOCK } from './layout.js';
import { DESTINATIONS, givenName, surname } from './names.js';
import { cumulativeOf, hashSeed, Random } from './random.js';
import { type Condition, conditionOf, DIABETES, HYPERTENSION, SEVERE_MENTAL_DISORDER } from './conditions.js';
import * as rates from './rates.js';

export type { Condition } from './conditions.js';

export type DepartureReason = 'death' | 'moved_out' | 'lost_to_follow_up';

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
  /** pregnancy: the delivery day (may lie after `until`), FOREVER when none */
  deliveryDay: number;
  lmpDay: number;
  firstPrenatalDay: number;
  child: Resident | null;
}

/** Sequence numbers come from the district's registry, so that IDs are unique (identity.ts). */
export type SequenceSource = (slot: number, child: boolean, addressIndex: number, birthDay: number, sex: 1 | 2) => number;

const PERSON_STREAM = 0x9e501;
const CHILD_STREAM = 0xc411d;

/** The resident's citizen ID number (GB 11643). */
export function residentId(layout: DistrictLayout, r: Resident): string {
  return idNumber(layout.addressCodes[r.addressIndex] ?? layout.county, r.birthDay, r.sequence);
}

export function communityAt(r: Resident, day: number): number {
  return day >= r.moveDay ? r.moveCommunity : r.community;
}

export function isPresent(r: Resident, day: number): boolean {
  return r.arrival <= day && day < r.departure;
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
    const firstWeek = rng.chance(0.76) ? rng.int(6, 12) : rng.int(13, 26);
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
  const seq = sequence(mother.slot, true, addressIndex, birthDay, sex);
  const family = rng.chance(0.85) ? surname(rng) : mother.surname;
  // Children leave with their mother; an orphaned child stays (with relatives) in the district.
  const leaves = mother.departureReason === 'moved_out' || mother.departureReason === 'lost_to_follow_up';
  const departure = leaves ? mother.departure : FOREVER;
  const archiveDay = rng.chance(0.98) ? birthDay + rng.int(3, 45) : FOREVER;
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
    child: null,
  };
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
  const seq = sequence(slot, false, addressIndex, birthDay, sex);
  const family = surname(rng);
  const r: Resident = {
    ref: slot * 2, slot, community: community.index, local, mover, sex, birthDay, birthYear: yearOf(birthDay), addressIndex,
    sequence: seq,
    surname: family,
    name: family + givenName(rng, sex),
    registered: rng.chance(addressIndex === 0 ? 0.93 : 0.35),
    arrival, departure: FOREVER, departureReason: null, destination: '',
    moveDay: FOREVER, moveCommunity: community.index,
    archiveDay: FOREVER, archiveNo: archiveNumber(layout, community.index, local + 1),
    medium: rng.chance(street.paperRate) ? 'paper' : 'electronic',
    duplicateDay: FOREVER, duplicateNo: '', duplicateInstitution: '',
    hypertension: null, diabetes: null, smd: null, tbDay: FOREVER, tbAdherent: true,
    deliveryDay: FOREVER, lmpDay: FOREVER, firstPrenatalDay: FOREVER, child: null,
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
  if (r.deliveryDay <= layout.untilDay) r.child = childOf(layout, r, sequence);
  return r;
}
