// The personal basic information form (个人基本信息表) as clinics fill it in: mostly complete,
// sometimes with fields left blank, coded fields written as codes or as their Chinese labels,
// and explicit "none" answers that must not be mistaken for blanks (CONTRACT §1).
import { BLOOD_TYPE, ETHNICITY, OCCUPATION, RESIDENCE_TYPE, RH } from '../transform/code-lists.js';
import { ageOnDay, isoDay } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import { givenName, mobilePhone, streetAddress, surname } from './names.js';
import { auxVariant, Variant } from './plan.js';
import { hashSeed, Random } from './random.js';
import { communityAt, institutionAt, type Resident } from './resident.js';
import { educationOf, maritalStatusOf, occupationOf, paymentMethodsOf, written } from './social-facts.js';

const FORM_STREAM = 0xf0a1;
const ADDRESS_STREAM = 0xadd7;

type Answer = string[] | 'none' | '无';

interface ArchiveHead {
  archive_no: string;
  established_on: string;
  medium: string;
  residence: { division_code: string; address: string };
}

/** A date as clinic systems write it: mostly ISO, a few compact or slashed. */
export function dateText(day: number, rng: Random): string {
  const iso = isoDay(day);
  const r = rng.next();
  if (r < 0.04) return iso.replaceAll('-', '');
  if (r < 0.08) return iso.replaceAll('-', '/');
  return iso;
}

function answer(rng: Random, table: readonly (readonly [Answer, number])[]): Answer {
  const value = rng.weighted(table);
  return Array.isArray(value) ? [...value] : value;
}

/** The address a person gives for a community: stable per household (a newborn lives with the mother) and community. */
export function addressIn(layout: DistrictLayout, r: Resident, community: number): { division_code: string; address: string } {
  const info = layout.communities[community];
  const street = layout.streets[info?.street ?? 0];
  const rng = new Random(hashSeed(layout.seed, r.ref - (r.ref & 1), community, ADDRESS_STREAM));
  return { division_code: info?.code ?? '', address: streetAddress(rng, layout.countyName, street?.name ?? '', info?.name ?? '') };
}

function residenceType(rng: Random, r: Resident): string | number {
  return written(rng, RESIDENCE_TYPE, r.registered ? 'registered' : 'non_registered', 0.2, 0.1);
}

/** Fields a clinic most often leaves blank, weighted by how often (contacts and blood type lead). */
const OFTEN_BLANK = [
  'phone', 'phone', 'contact_name', 'contact_phone', 'contact_phone', 'blood_type', 'blood_type', 'education',
  'occupation', 'marital_status', 'payment_methods', 'drug_allergies', 'past_history', 'family_history', 'ethnicity',
  'residence_type',
];

function adultForm(layout: DistrictLayout, r: Resident, day: number, rng: Random, head: ArchiveHead): Record<string, unknown> {
  // Facts about the person come from the person's own stream, so a duplicate archive agrees with the first.
  const facts = new Random(hashSeed(layout.seed, r.ref, FORM_STREAM));
  const age = ageOnDay(r.birthDay, day);
  const ethnicity = facts.weighted([['01', 96.5], ['15', 1.8], ['06', 0.9], ['03', 0.5], ['07', 0.3]] as const);
  const bloodType = facts.weighted([['unknown', 35], ['A', 18], ['B', 20], ['O', 21], ['AB', 6]] as const);
  const rh = facts.weighted([['positive', 58], ['unknown', 41], ['negative', 1]] as const);
  const occupation = occupationOf(facts, age);
  const diseases: string[] = [];
  if ((r.hypertension?.onset ?? Infinity) <= day) diseases.push('高血压');
  if ((r.diabetes?.onset ?? Infinity) <= day) diseases.push('糖尿病');
  if ((r.smd?.onset ?? Infinity) <= day) diseases.push('严重精神障碍');
  if (age > 50 && facts.chance(0.05)) diseases.push('冠心病');
  const surgeries = facts.chance(0.08) ? [facts.pick(['阑尾切除术', '胆囊切除术', '剖宫产术', '白内障手术'])] : [];
  const village = layout.communities[r.community]?.village ?? false;
  const pastHistory =
    diseases.length === 0 && surgeries.length === 0 && facts.chance(0.35)
      ? facts.pick(['none', 'none', '无'] as const)
      : { diseases, surgeries, traumas: facts.chance(0.03) ? ['骨折'] : [], transfusions: [] };
  // Fields spelled out: spreading `head` into a literal this size is ~20x slower in V8.
  return {
    archive_no: head.archive_no,
    established_on: head.established_on,
    medium: head.medium,
    residence: head.residence,
    residence_type: residenceType(rng, r),
    phone: mobilePhone(facts),
    contact_name: surname(facts) + givenName(facts, facts.chance(0.5) ? 1 : 2),
    contact_phone: mobilePhone(facts),
    ethnicity: written(rng, ETHNICITY, ethnicity, 0.25),
    blood_type: written(rng, BLOOD_TYPE, bloodType, 0.15, 0.15),
    rh: written(rng, RH, rh, 0.2),
    education: educationOf(facts, rng, age),
    occupation: written(rng, OCCUPATION, occupation, 0.1),
    marital_status: maritalStatusOf(facts, rng, age),
    payment_methods: paymentMethodsOf(facts, age, occupation, r.registered),
    drug_allergies: answer(facts, [[[], 70], ['none', 10], ['无', 2], [['青霉素'], 9], [['磺胺'], 3], [['头孢类'], 3], [['青霉素', '磺胺'], 2], [['链霉素'], 1]]),
    // The district grew around a steelworks: dust is the exposure people report.
    exposures: answer(facts, [[[], 80], ['none', 14], [['粉尘'], 4], [['化学品'], 2]]),
    past_history: pastHistory,
    family_history: answer(facts, [[[], 55], ['none', 10], [['高血压'], 20], [['糖尿病'], 7], [['高血压', '糖尿病'], 5], [['脑卒中'], 3]]),
    genetic_disease: 'none',
    disabilities: answer(facts, [[[], 93], ['none', 5], [['肢体残疾'], 1.5], [['视力残疾'], 0.5]]),
    living_environment: village
      ? {
          kitchen_ventilation: facts.pick(['油烟机', '换气扇', '烟囱', '无']),
          fuel: facts.pick(['天然气', '液化气', '柴火']),
          water: facts.pick(['自来水', '自来水', '井水']),
          toilet: facts.pick(['卫生厕所', '马桶', '简易棚厕']),
          livestock: facts.pick(['无', '无', '单设']),
        }
      : { kitchen_ventilation: '油烟机', fuel: '天然气', water: '自来水', toilet: '卫生厕所', livestock: '无' },
  };
}

/** Children under 7 do not fill the basic form: a parent is the contact. */
function childForm(layout: DistrictLayout, r: Resident, rng: Random, head: ArchiveHead): Record<string, unknown> {
  const facts = new Random(hashSeed(layout.seed, r.ref, FORM_STREAM));
  const form: Record<string, unknown> = {
    archive_no: head.archive_no,
    established_on: head.established_on,
    medium: head.medium,
    residence: head.residence,
    residence_type: residenceType(rng, r),
    contact_name: r.surname + givenName(facts, facts.chance(0.6) ? 1 : 2),
    contact_phone: mobilePhone(facts),
  };
  if (rng.chance(0.4)) form.blood_type = written(rng, BLOOD_TYPE, facts.pick(['A', 'B', 'O', 'AB', 'unknown']), 0.2);
  if (rng.chance(0.5)) form.drug_allergies = [];
  // Some parents give no phone; built without the key rather than deleting it (see below).
  if (rng.chance(0.06)) {
    const { contact_phone: _omitted, ...withoutPhone } = form;
    return withoutPhone;
  }
  return form;
}

export function archiveCreatedData(layout: DistrictLayout, r: Resident, day: number, rng: Random, duplicate: boolean): Record<string, unknown> {
  const head: ArchiveHead = {
    archive_no: duplicate ? r.duplicateNo : r.archiveNo,
    established_on: dateText(day, rng),
    medium: duplicate ? 'electronic' : r.medium,
    residence: addressIn(layout, r, communityAt(r, day)),
  };
  if (duplicate) {
    // A second archive opened in passing elsewhere: the bare minimum, often not even a phone.
    const data: Record<string, unknown> = { ...head };
    if (rng.chance(0.5)) data.residence_type = residenceType(rng, r);
    if (rng.chance(0.7)) data.phone = mobilePhone(rng);
    return data;
  }
  if (ageOnDay(r.birthDay, day) < 7) return childForm(layout, r, rng, head);
  const form = adultForm(layout, r, day, rng, head);
  if (!rng.chance(0.1)) return form;
  // Leave blanks by copying without them: \`delete\` would turn every such object into a slow dictionary.
  const blanks = new Set<string>();
  for (let i = rng.int(1, 3); i > 0; i--) blanks.add(rng.pick(OFTEN_BLANK));
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(form)) if (!blanks.has(field)) data[field] = value;
  return data;
}

export function phoneUpdateData(r: Resident, rng: Random): Record<string, unknown> {
  return { archive_no: r.archiveNo, phone: mobilePhone(rng) };
}

export function moveUpdateData(layout: DistrictLayout, r: Resident): Record<string, unknown> {
  return { archive_no: r.archiveNo, residence: addressIn(layout, r, r.moveCommunity) };
}

/**
 * Moving out: destination and handover for most; about 15% lack one of them (a quality issue).
 * A termination by mistake (variant) names the death or loss that did not happen.
 */
export function terminationData(r: Resident, day: number, aux: number, rng: Random): Record<string, unknown> {
  const mistaken = auxVariant(aux) === Variant.mistaken;
  const reason = mistaken ? r.mistakenReason : (r.departureReason ?? 'lost_to_follow_up');
  const data: Record<string, unknown> = { archive_no: r.archiveNo, reason, terminated_on: dateText(day, rng) };
  if (reason === 'moved_out') {
    if (rng.chance(0.93)) data.destination = r.destination;
    if (rng.chance(0.93)) data.handover_note = '档案已移交迁入地社区卫生服务机构';
  } else if (reason === 'death' && rng.chance(mistaken ? 0.2 : 0.5)) {
    data.handover_note = '已核实死亡医学证明';
  }
  return data;
}

/** A move to a street another institution serves: the archive goes to that institution. */
export function transferData(layout: DistrictLayout, r: Resident, day: number, rng: Random): Record<string, unknown> {
  return {
    archive_no: r.archiveNo,
    transferred_on: dateText(day, rng),
    to_institution_code: institutionAt(layout, r, r.moveDay),
    residence: addressIn(layout, r, r.moveCommunity),
  };
}

export function reopenData(r: Resident, day: number, aux: number, rng: Random): Record<string, unknown> {
  return { archive_no: r.archiveNo, reopened_on: dateText(day, rng), reason: auxVariant(aux) === Variant.correction ? 'correction' : 'returned' };
}
