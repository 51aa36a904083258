// The `data` of service events: follow-ups, health checks, enrolments, other services, and the
// v1.1 facts (deliveries, the elderly check form, TCM management, coded exits). Measurements
// follow the patient's own control propensity, so the BP and glucose control indicators come
// out where district reports put them (about 60% and 55% controlled).
import { EXIT_REASON } from '../transform/code-lists.js';
import { addressIn, dateText } from './archive-form.js';
import { ageOnDay, isoDay } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import { mobilePhone, TCM_CONSTITUTIONS } from './names.js';
import { auxProgram, auxStep, auxVariant, auxVisitKind, EXIT_REASONS, PROGRAM_NAMES, Variant, VISIT_KINDS } from './plan.js';
import { cumulativeOf, hashSeed, Random } from './random.js';
import { communityAt, type Condition, type Resident } from './resident.js';
import { written } from './social-facts.js';

const BODY_STREAM = 0xb0d7;
const TCM_STREAM = 0x7c3;
const PHONE_STREAM = 0x9407;
const METHODS = [['clinic', 60], ['home', 34], ['phone', 5], ['other', 1]] as const;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/** Height and build are the person's own, so every measurement of them agrees. */
function body(layout: DistrictLayout, r: Resident): { height: number; bmi: number } {
  const rng = new Random(hashSeed(layout.seed, r.ref, BODY_STREAM));
  return {
    height: r.sex === 1 ? rng.normal(168, 6) : rng.normal(157, 5.5),
    bmi: clamp(rng.normal(23.8, 3), 17, 38),
  };
}

function weightKg(layout: DistrictLayout, r: Resident, rng: Random): number {
  const { height, bmi } = body(layout, r);
  return oneDecimal((bmi * height * height) / 10_000 + rng.normal(0, 1.2));
}

/** Blood pressure: a patient's reading is controlled with their own chance; others are mostly normal. */
function bloodPressure(rng: Random, condition: Condition | null): { bp_systolic: number; bp_diastolic: number } {
  if (!condition) {
    return { bp_systolic: Math.round(clamp(rng.normal(120, 10), 90, 145)), bp_diastolic: Math.round(clamp(rng.normal(76, 7), 55, 92)) };
  }
  if (rng.chance(condition.control)) {
    return { bp_systolic: Math.round(clamp(rng.normal(127, 7), 100, 139)), bp_diastolic: Math.round(clamp(rng.normal(79, 5), 60, 89)) };
  }
  let systolic = Math.round(clamp(rng.normal(151, 10), 125, 200));
  const diastolic = Math.round(clamp(rng.normal(91, 7), 70, 120));
  if (systolic < 140 && diastolic < 90) systolic = 140 + rng.int(0, 12);
  return { bp_systolic: systolic, bp_diastolic: diastolic };
}

function fastingGlucose(rng: Random, condition: Condition | null): number {
  if (!condition) return oneDecimal(clamp(rng.normal(5.2, 0.55), 3.9, 6.9));
  if (rng.chance(condition.control)) return oneDecimal(clamp(rng.normal(6.1, 0.45), 4.4, 6.9));
  return oneDecimal(clamp(rng.normal(8.6, 1.4), 7.0, 16));
}

function classificationOf(rng: Random, controlled: boolean): string {
  if (controlled) return 'controlled';
  return rng.weighted([['uncontrolled', 92], ['complication', 5], ['adverse_reaction', 3]] as const);
}

function chronicFollowup(layout: DistrictLayout, r: Resident, day: number, program: string, rng: Random): Record<string, unknown> {
  const method = rng.weighted(METHODS);
  const data: Record<string, unknown> = { program, followed_on: dateText(day, rng), method };
  const bp = bloodPressure(rng, r.hypertension);
  const glucose = fastingGlucose(rng, r.diabetes);
  // A phone follow-up has only what the patient measured at home, when they did.
  const measured = method !== 'phone' || rng.chance(0.5);
  if (measured) data.vitals = { bp_systolic: bp.bp_systolic, bp_diastolic: bp.bp_diastolic, heart_rate: rng.int(60, 92), weight_kg: weightKg(layout, r, rng) };
  let controlled = bp.bp_systolic < 140 && bp.bp_diastolic < 90;
  if (program === 'diabetes') {
    if (measured) data.fasting_glucose_mmol = glucose;
    controlled = glucose < 7;
  }
  data.classification = classificationOf(rng, controlled);
  data.medication_adherence = controlled ? '规律' : rng.weighted([['规律', 55], ['间断', 35], ['不服药', 10]] as const);
  data.next_followup_on = isoDay(day + rng.int(80, 95));
  if (rng.chance(0.03)) data.residence = residenceOn(layout, r, day);
  return data;
}

/** Where the person lives that day, as a visit form writes it (v1.1 `residence`). */
function residenceOn(layout: DistrictLayout, r: Resident, day: number): { division_code: string; address: string } {
  return addressIn(layout, r, communityAt(r, day));
}

/** The family's phone on a mother's or a newborn's visit form. */
function householdPhone(layout: DistrictLayout, r: Resident): string {
  return mobilePhone(new Random(hashSeed(layout.seed, r.ref - (r.ref & 1), PHONE_STREAM)));
}

/** 儿童中医药健康管理: what the parents are taught at each month-age (3rd edition). */
function childTcmGuidance(months: number): string[] {
  if (months < 15) return ['中医饮食调养指导', '中医起居调摄指导', '摩腹和捏脊方法'];
  if (months < 27) return ['中医饮食调养指导', '中医起居调摄指导', '按揉迎香穴、足三里穴方法'];
  return ['中医饮食调养指导', '中医起居调摄指导', '按揉四神聪穴方法'];
}

function childFollowup(layout: DistrictLayout, r: Resident, day: number, aux: number, rng: Random): Record<string, unknown> {
  const newborn = VISIT_KINDS[auxVisitKind(aux)] === 'newborn_home_visit';
  const method = newborn ? (rng.chance(0.05) ? 'phone' : 'home') : rng.chance(0.97) ? 'clinic' : 'home';
  const data: Record<string, unknown> = {
    program: 'child',
    followed_on: dateText(day, rng),
    method,
    visit_kind: newborn ? 'newborn_home_visit' : 'well_child_check',
  };
  if (method !== 'phone') data.vitals = childMeasures(r, day, rng);
  if (newborn) {
    // The newborn visit form is often the child's only record: discharge, address, a phone.
    if (rng.chance(0.88)) data.discharged_on = isoDay(r.dischargeDay);
    data.residence = residenceOn(layout, r, day);
    if (rng.chance(0.6)) data.contact_phone = householdPhone(layout, r);
  } else if (rng.chance(0.15)) {
    data.residence = residenceOn(layout, r, day);
  }
  if (auxVariant(aux) === Variant.tcmGuidance) data.tcm_guidance = childTcmGuidance((day - r.birthDay) / 30.44);
  return data;
}

function maternalFollowup(layout: DistrictLayout, r: Resident, day: number, visitKind: string, rng: Random): Record<string, unknown> {
  const postpartum = visitKind === 'postpartum_visit' || visitKind === 'postpartum_42d';
  const method = visitKind === 'postpartum_visit' ? rng.weighted([['home', 90], ['phone', 5], ['clinic', 5]] as const) : 'clinic';
  const data: Record<string, unknown> = { program: 'maternal', followed_on: dateText(day, rng), method, visit_kind: visitKind };
  if (visitKind === 'prenatal' || (visitKind === 'first_prenatal' && rng.chance(0.97))) data.gestational_weeks = Math.floor((day - r.lmpDay) / 7);
  if (postpartum) {
    if (rng.chance(0.92)) data.delivered_on = isoDay(r.deliveryDay);
    if (rng.chance(0.85)) data.discharged_on = isoDay(r.dischargeDay);
  }
  if (method !== 'phone') {
    const bp = bloodPressure(rng, null);
    const weight = oneDecimal(weightKg(layout, r, rng) + (day < r.deliveryDay ? 6 : 3));
    data.vitals = { bp_systolic: bp.bp_systolic, bp_diastolic: bp.bp_diastolic, weight_kg: weight };
  }
  // The maternal handbook is the only record of a mother without an archive: it has her address.
  if (r.archiveDay > day || rng.chance(0.35)) data.residence = residenceOn(layout, r, day);
  if (rng.chance(0.3)) data.contact_phone = householdPhone(layout, r);
  return data;
}

function childMeasures(r: Resident, day: number, rng: Random): { height_cm: number; weight_kg: number } {
  const months = (day - r.birthDay) / 30.44;
  const height = months < 12 ? 50 + 2.2 * months : months < 36 ? 76 + 0.8 * (months - 12) : 95 + 0.55 * (months - 36);
  const weight = months < 12 ? 3.3 + 0.55 * months : months < 36 ? 9.9 + 0.2 * (months - 12) : 14.7 + 0.17 * (months - 36);
  return { height_cm: oneDecimal(height * rng.normal(1, 0.03)), weight_kg: oneDecimal(weight * rng.normal(1, 0.08)) };
}

export function followupData(layout: DistrictLayout, r: Resident, day: number, aux: number, rng: Random): Record<string, unknown> {
  const program = PROGRAM_NAMES[auxProgram(aux)] ?? 'hypertension';
  const visitKind = VISIT_KINDS[auxVisitKind(aux)] ?? '';
  switch (program) {
    case 'hypertension':
    case 'diabetes':
      return chronicFollowup(layout, r, day, program, rng);
    case 'severe_mental_disorder': {
      const stable = rng.chance(r.smd?.control ?? 0.7);
      return {
        program,
        followed_on: dateText(day, rng),
        method: rng.weighted([['home', 45], ['clinic', 35], ['phone', 20]] as const),
        condition: stable ? 'stable' : rng.weighted([['basically_stable', 70], ['unstable', 30]] as const),
        medication_adherence: stable ? '规律' : rng.weighted([['规律', 40], ['间断', 40], ['不服药', 20]] as const),
        next_followup_on: isoDay(day + rng.int(55, 90)),
      };
    }
    case 'tuberculosis': {
      const step = auxStep(aux);
      const due = step === 0 ? 3 : 30;
      const taken = r.tbAdherent ? due - (rng.chance(0.3) ? 1 : 0) : Math.floor(due * (0.55 + 0.33 * rng.next()));
      return {
        program,
        followed_on: dateText(day, rng),
        method: step === 0 ? 'home' : rng.weighted([['home', 50], ['clinic', 30], ['phone', 20]] as const),
        doses_due: due,
        doses_taken: taken,
        next_followup_on: isoDay(day + 30),
      };
    }
    case 'child':
      return childFollowup(layout, r, day, aux, rng);
    default:
      return maternalFollowup(layout, r, day, visitKind, rng);
  }
}

/** Which part of an elderly check form is left blank, on the forms that are incomplete. */
const ELDERLY_GAPS = [['ecg', 25], ['abdominal_ultrasound', 25], ['waist', 15], ['lab', 20], ['guidance', 15]] as const;
/** Share of elderly check forms with a gap (老年人健康体检表填写不完整). */
const ELDERLY_INCOMPLETE = 0.12;
const LABS = ['blood_routine', 'urine_routine', 'liver_function', 'kidney_function', 'lipids', 'fasting_glucose_mmol'] as const;

export function healthCheckData(layout: DistrictLayout, r: Resident, day: number, kind: 'general' | 'elderly_annual', rng: Random): Record<string, unknown> {
  const elderly = kind === 'elderly_annual';
  const gap = elderly && rng.chance(ELDERLY_INCOMPLETE) ? rng.weighted(ELDERLY_GAPS) : '';
  const { height, bmi } = body(layout, r);
  const bp = bloodPressure(rng, r.hypertension && r.hypertension.onset <= day ? r.hypertension : null);
  const glucose = fastingGlucose(rng, r.diabetes && r.diabetes.onset <= day ? r.diabetes : null);
  const weight = weightKg(layout, r, rng);
  const abnormal = bp.bp_systolic >= 140 || bp.bp_diastolic >= 90 || glucose >= 7 || bmi >= 28;
  const vitals: Record<string, number> = { bp_systolic: bp.bp_systolic, bp_diastolic: bp.bp_diastolic, height_cm: oneDecimal(height), weight_kg: weight };
  if (gap !== 'waist') vitals.waist_cm = Math.round(clamp(rng.normal(r.sex === 1 ? 60 + bmi * 1.1 : 52 + bmi * 1.15, 4), 55, 130));
  vitals.heart_rate = rng.int(58, 96);
  const data: Record<string, unknown> = {
    checked_on: dateText(day, rng),
    kind,
    vitals,
    labs: elderly ? elderlyLabs(rng, glucose, gap === 'lab' ? rng.pick(LABS) : '') : { fasting_glucose_mmol: glucose },
    lifestyle: {
      smoking: r.sex === 1 ? rng.weighted([['never', 45], ['former', 15], ['current', 40]] as const) : rng.weighted([['never', 97], ['current', 3]] as const),
      drinking: rng.weighted([['never', 55], ['occasional', 30], ['often', 10], ['daily', 5]] as const),
      exercise: rng.weighted([['daily', 30], ['weekly', 25], ['occasional', 25], ['none', 20]] as const),
    },
    assessment: abnormal ? '发现异常' : '体检无异常',
  };
  if (!elderly) return data;
  data.self_care_score = selfCareScore(rng, ageOnDay(r.birthDay, day));
  if (gap !== 'ecg') data.ecg = rng.weighted(ECG_FINDINGS);
  if (gap !== 'abdominal_ultrasound') data.abdominal_ultrasound = rng.weighted(r.sex === 1 ? ULTRASOUND_MALE : ULTRASOUND);
  data.guidance = gap === 'guidance' ? [] : pickSome(rng, ELDERLY_GUIDANCE, 2, 4);
  // 中医体质辨识 with TCM guidance at most checks; some record the constitution only.
  const tcm = rng.next();
  if (tcm < 0.75) data.tcm_constitution = tcmConstitution(layout, r);
  if (tcm < 0.65) data.tcm_guidance = pickSome(rng, ELDERLY_TCM_GUIDANCE, 2, 5);
  return data;
}

/** A few distinct items of a list, in list order. */
function pickSome(rng: Random, items: readonly string[], min: number, max: number): string[] {
  const want = rng.int(min, Math.min(max, items.length));
  const out: string[] = [];
  for (let i = 0; i < items.length && out.length < want; i++) {
    // Selection sampling: each item with the chance still needed / still left.
    if (rng.next() * (items.length - i) < want - out.length) out.push(items[i] as string);
  }
  return out;
}

const ELDERLY_GUIDANCE = [
  '定期随访', '建议复查', '纳入慢性病患者健康管理', '健康生活方式指导', '疫苗接种', '防跌倒措施', '骨质疏松预防', '意外伤害预防和自救', '认知和情感', '告知下次体检时间',
];
const ELDERLY_TCM_GUIDANCE = ['情志调摄', '饮食调养', '起居调摄', '运动保健', '穴位保健'];
const ECG_FINDINGS = [['正常心电图', 58], ['窦性心动过缓', 8], ['ST-T改变', 12], ['左心室高电压', 5], ['房性早搏', 5], ['室性早搏', 3], ['完全性右束支传导阻滞', 5], ['心房颤动', 4]] as const;
const ULTRASOUND = [['未见明显异常', 52], ['脂肪肝', 20], ['胆囊结石', 9], ['肝囊肿', 8], ['肾囊肿', 8], ['胆囊息肉', 3]] as const;
const ULTRASOUND_MALE = [...ULTRASOUND, ['前列腺增生', 15]] as const;

/** 老年人生活自理能力评估 (0–3 可自理 … ≥19 不能自理): most are independent, more dependence with age. */
function selfCareScore(rng: Random, age: number): number {
  const frail = age >= 85 ? 0.3 : age >= 75 ? 0.12 : 0.05;
  if (!rng.chance(frail)) return rng.chance(0.85) ? 0 : rng.int(1, 3);
  const u = rng.next();
  return u < 0.6 ? rng.int(4, 8) : u < 0.92 ? rng.int(9, 18) : 19;
}

/** The lab panel of the elderly check: results as numbers from some systems, as 正常/异常 from others. */
function elderlyLabs(rng: Random, glucose: number, missing: string): Record<string, unknown> {
  const numeric = rng.chance(0.6);
  const labs: Record<string, unknown> = {};
  if (missing !== 'blood_routine') {
    labs.blood_routine = numeric
      ? { hemoglobin_g_l: Math.round(clamp(rng.normal(132, 14), 80, 180)), wbc_10e9_l: oneDecimal(clamp(rng.normal(6.2, 1.5), 2.5, 14)), platelets_10e9_l: Math.round(clamp(rng.normal(210, 50), 60, 450)) }
      : rng.chance(0.88) ? '正常' : '异常';
  }
  if (missing !== 'urine_routine') labs.urine_routine = rng.weighted([['正常', 82], ['尿蛋白+', 8], ['尿糖+', 4], ['潜血+', 6]] as const);
  if (missing !== 'liver_function') {
    labs.liver_function = numeric
      ? { alt_u_l: Math.round(clamp(rng.normal(22, 9), 5, 150)), ast_u_l: Math.round(clamp(rng.normal(24, 8), 8, 150)), total_bilirubin_umol_l: oneDecimal(clamp(rng.normal(12, 4), 3, 40)) }
      : rng.chance(0.9) ? '正常' : '异常';
  }
  if (missing !== 'kidney_function') {
    labs.kidney_function = numeric
      ? { creatinine_umol_l: Math.round(clamp(rng.normal(78, 20), 35, 300)), urea_mmol_l: oneDecimal(clamp(rng.normal(5.8, 1.5), 2, 15)) }
      : rng.chance(0.9) ? '正常' : '异常';
  }
  if (missing !== 'lipids') {
    labs.lipids = numeric
      ? {
          total_cholesterol_mmol_l: oneDecimal(clamp(rng.normal(5, 0.9), 2.5, 9)),
          triglycerides_mmol_l: oneDecimal(clamp(rng.normal(1.6, 0.7), 0.4, 6)),
          ldl_c_mmol_l: oneDecimal(clamp(rng.normal(2.9, 0.7), 1, 6)),
          hdl_c_mmol_l: oneDecimal(clamp(rng.normal(1.3, 0.3), 0.6, 2.5)),
        }
      : rng.chance(0.75) ? '正常' : '异常';
  }
  if (missing !== 'fasting_glucose_mmol') labs.fasting_glucose_mmol = glucose;
  return labs;
}

/** A person's TCM constitution (中医体质辨识): their own, so repeated assessments mostly agree. */
function tcmConstitution(layout: DistrictLayout, r: Resident): string {
  const rng = new Random(hashSeed(layout.seed, r.ref, TCM_STREAM));
  return TCM_CONSTITUTIONS[rng.cumulative(CONSTITUTION_WEIGHTS)] ?? '平和质';
}
/** Weights in TCM_CONSTITUTIONS order (平和质 first), running sums for Random.cumulative. */
const CONSTITUTION_WEIGHTS = cumulativeOf([30, 15, 12, 10, 12, 8, 6, 5, 2]);

function diagnosedOn(r: Resident, program: string): number | undefined {
  switch (program) {
    case 'hypertension': return r.hypertension?.onset;
    case 'diabetes': return r.diabetes?.onset;
    case 'severe_mental_disorder': return r.smd?.onset;
    case 'tuberculosis': return r.tbDay;
    default: return undefined;
  }
}

export function enrolData(r: Resident, day: number, aux: number, rng: Random): Record<string, unknown> {
  const program = PROGRAM_NAMES[auxProgram(aux)] ?? 'hypertension';
  const data: Record<string, unknown> = { program, on: dateText(day, rng) };
  const diagnosed = diagnosedOn(r, program);
  if (diagnosed !== undefined && diagnosed <= day) data.diagnosed_on = isoDay(diagnosed);
  return data;
}

/** The exit reason is coded (v1.1): the code, or its Chinese label as some systems write it. */
export function exitData(day: number, aux: number, rng: Random): Record<string, unknown> {
  const reason = EXIT_REASONS[auxVariant(aux)] ?? 'other';
  return { program: PROGRAM_NAMES[auxProgram(aux)] ?? 'tuberculosis', on: dateText(day, rng), reason: written(rng, EXIT_REASON, reason, 0.15) };
}

export function serviceData(day: number, rng: Random): Record<string, unknown> {
  return { kind: rng.weighted([['consultation', 85], ['referral', 12], ['joint_consultation', 3]] as const), served_on: dateText(day, rng) };
}

/** 老年人中医药健康管理 as a service of its own: constitution assessment and TCM guidance. */
export function tcmServiceData(layout: DistrictLayout, r: Resident, day: number, rng: Random): Record<string, unknown> {
  const data: Record<string, unknown> = { kind: 'tcm_health_management', served_on: dateText(day, rng) };
  if (rng.chance(0.96)) data.tcm_constitution = tcmConstitution(layout, r);
  data.tcm_guidance = pickSome(rng, ELDERLY_TCM_GUIDANCE, 2, 5);
  return data;
}

/** Where mothers of the district deliver (free text, as the hospital or the clinic writes it). */
const HOSPITALS = [
  ['重庆市大渡口区人民医院', 28], ['大渡口区人民医院', 4], ['重庆市大渡口区妇幼保健院', 24], ['区妇幼保健院', 3],
  ['重庆市妇幼保健院', 14], ['重庆医科大学附属第一医院', 7], ['重庆医科大学附属第二医院', 4], ['陆军军医大学第一附属医院', 5],
  ['重庆市第五人民医院', 5], ['重庆市九龙坡区人民医院', 4], ['重庆市中医院', 2],
] as const;

/** `delivery.recorded`: how the pregnancy ended, where, and when the mother went home. */
export function deliveryData(r: Resident, rng: Random): Record<string, unknown> {
  const data: Record<string, unknown> = { delivered_on: dateText(r.deliveryDay, rng) };
  if (rng.chance(0.9)) data.discharged_on = dateText(r.dischargeDay, rng);
  data.outcome = r.outcome;
  data.live_births = r.outcome === 'live_birth' ? 1 : 0;
  if (rng.chance(0.97)) data.institution_name = rng.weighted(HOSPITALS);
  return data;
}
