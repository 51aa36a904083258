// The `data` of service events: follow-ups, health checks, enrolments, other services.
// Measurements follow the patient's own control propensity, so the BP and glucose control
// indicators come out where district reports put them (about 60% and 55% controlled).
import { isoDay } from './calendar.js';
import { dateText } from './archive-form.js';
import type { DistrictLayout } from './layout.js';
import { TCM_CONSTITUTIONS } from './names.js';
import { auxProgram, auxStep, auxVisitKind, PROGRAM_NAMES, VISIT_KINDS } from './plan.js';
import { hashSeed, Random } from './random.js';
import type { Condition, Resident } from './resident.js';

const BODY_STREAM = 0xb0d7;
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
      return {
        program,
        followed_on: dateText(day, rng),
        method: visitKind === 'newborn_home_visit' ? 'home' : 'clinic',
        visit_kind: visitKind,
        vitals: childMeasures(r, day, rng),
      };
    default: {
      const data: Record<string, unknown> = {
        program,
        followed_on: dateText(day, rng),
        method: visitKind === 'postpartum_visit' ? 'home' : 'clinic',
        visit_kind: visitKind,
      };
      if (visitKind === 'first_prenatal' || visitKind === 'prenatal') data.gestational_weeks = Math.floor((day - r.lmpDay) / 7);
      const bp = bloodPressure(rng, null);
      const weight = oneDecimal(weightKg(layout, r, rng) + (day < r.deliveryDay ? 6 : 3));
      data.vitals = { bp_systolic: bp.bp_systolic, bp_diastolic: bp.bp_diastolic, weight_kg: weight };
      return data;
    }
  }
}

export function healthCheckData(layout: DistrictLayout, r: Resident, day: number, kind: 'general' | 'elderly_annual', rng: Random): Record<string, unknown> {
  const { height, bmi } = body(layout, r);
  const bp = bloodPressure(rng, r.hypertension && r.hypertension.onset <= day ? r.hypertension : null);
  const glucose = fastingGlucose(rng, r.diabetes && r.diabetes.onset <= day ? r.diabetes : null);
  const weight = weightKg(layout, r, rng);
  const abnormal = bp.bp_systolic >= 140 || bp.bp_diastolic >= 90 || glucose >= 7 || bmi >= 28;
  const data: Record<string, unknown> = {
    checked_on: dateText(day, rng),
    kind,
    vitals: {
      bp_systolic: bp.bp_systolic,
      bp_diastolic: bp.bp_diastolic,
      height_cm: oneDecimal(height),
      weight_kg: weight,
      waist_cm: Math.round(clamp(rng.normal(r.sex === 1 ? 60 + bmi * 1.1 : 52 + bmi * 1.15, 4), 55, 130)),
      heart_rate: rng.int(58, 96),
    },
    labs: { fasting_glucose_mmol: glucose },
    lifestyle: {
      smoking: r.sex === 1 ? rng.weighted([['never', 45], ['former', 15], ['current', 40]] as const) : rng.weighted([['never', 97], ['current', 3]] as const),
      drinking: rng.weighted([['never', 55], ['occasional', 30], ['often', 10], ['daily', 5]] as const),
      exercise: rng.weighted([['daily', 30], ['weekly', 25], ['occasional', 25], ['none', 20]] as const),
    },
    assessment: abnormal ? '发现异常' : '体检无异常',
  };
  if (kind === 'elderly_annual' && rng.chance(0.9)) data.tcm_constitution = rng.pick(TCM_CONSTITUTIONS);
  return data;
}

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

export function exitData(day: number, aux: number, rng: Random): Record<string, unknown> {
  return { program: PROGRAM_NAMES[auxProgram(aux)] ?? 'tuberculosis', on: dateText(day, rng), reason: 'completed' };
}

export function serviceData(day: number, rng: Random): Record<string, unknown> {
  return { kind: rng.weighted([['consultation', 85], ['referral', 12], ['joint_consultation', 3]] as const), served_on: dateText(day, rng) };
}
