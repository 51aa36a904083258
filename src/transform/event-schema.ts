// Archive events v1 with the v1.1 additions (CONTRACT §1) as zod schemas: the structure clinics
// must send. v1.1 is additive: schema_version stays 1 and every v1 event stays valid.
// Domain checks that need more than structure (ID check character, code lists, reference
// data) run afterwards in normalise-event.ts, so that this file stays the vendor-facing shape.
import { z } from 'zod';

export const EVENT_TYPES = [
  'archive.created', 'archive.updated', 'archive.terminated', 'health_check.recorded',
  'program.enrolled', 'program.exited', 'followup.recorded', 'service.recorded',
  // v1.1
  'delivery.recorded', 'person.linked', 'archive.transferred', 'archive.reopened',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const PROGRAMS = [
  'hypertension', 'diabetes', 'severe_mental_disorder', 'tuberculosis', 'child', 'maternal', 'elderly',
] as const;
export type Program = (typeof PROGRAMS)[number];

export const ID_TYPES = [
  'resident_id', 'passport', 'hk_mo_permit', 'tw_permit', 'foreign_permanent', 'birth_certificate',
] as const;

const dateText = z.string().describe('YYYY-MM-DD (also YYYY/MM/DD, YYYYMMDD)');
const coded = z.union([z.string(), z.number()]).describe('national code or its Chinese label');
const measure = z.number().finite();
const stringList = z.array(z.string());
/** A list answers the paper form's 无 box when empty or the word "none". */
const answerList = z.union([stringList, z.literal('none'), z.literal('无')]);

export const personSchema = z.object({
  id_type: z.enum(ID_TYPES).default('resident_id'),
  // A string only: an 18-digit JSON number has already lost digits before it reaches us.
  id_number: z.string().min(1),
  name: z.string().optional(),
  sex: coded.optional(),
  birth_date: dateText.optional(),
});

/** Answered items of a form (a lab result, an ECG finding): any non-empty value. */
const formItem = z.unknown();

const residenceSchema = z.object({
  division_code: z.union([z.string(), z.number()]).transform(String),
  address: z.string().optional(),
});

const archiveFields = {
  established_on: dateText.optional(),
  medium: z.enum(['electronic', 'paper']).optional(),
  residence: residenceSchema.optional(),
  residence_type: coded.optional(),
  phone: z.union([z.string(), z.number()]).transform(String).optional(),
  contact_name: z.string().optional(),
  contact_phone: z.union([z.string(), z.number()]).transform(String).optional(),
  ethnicity: coded.optional(),
  blood_type: coded.optional(),
  rh: coded.optional(),
  education: coded.optional(),
  occupation: coded.optional(),
  marital_status: coded.optional(),
  payment_methods: answerList.optional(),
  drug_allergies: answerList.optional(),
  exposures: answerList.optional(),
  past_history: z
    .union([
      z.object({
        diseases: answerList.optional(),
        surgeries: answerList.optional(),
        traumas: answerList.optional(),
        transfusions: answerList.optional(),
      }),
      z.literal('none'),
      z.literal('无'),
    ])
    .optional(),
  family_history: answerList.optional(),
  genetic_disease: z.union([z.string(), z.literal('none')]).optional(),
  disabilities: answerList.optional(),
  living_environment: z
    .object({
      kitchen_ventilation: coded.optional(),
      fuel: coded.optional(),
      water: coded.optional(),
      toilet: coded.optional(),
      livestock: coded.optional(),
    })
    .optional(),
};

const archiveNo = z.union([z.string(), z.number()]).transform(String);

const vitalsSchema = z.looseObject({
  bp_systolic: measure.optional(),
  bp_diastolic: measure.optional(),
  height_cm: measure.optional(),
  weight_kg: measure.optional(),
  waist_cm: measure.optional(),
  heart_rate: measure.optional(),
});

export const dataSchemas = {
  'archive.created': z.object({ archive_no: archiveNo, ...archiveFields, established_on: dateText }),
  'archive.updated': z.object({ archive_no: archiveNo, ...archiveFields }),
  'archive.terminated': z.object({
    archive_no: archiveNo,
    reason: z.enum(['death', 'moved_out', 'lost_to_follow_up']),
    terminated_on: dateText,
    destination: z.string().optional(),
    handover_note: z.string().optional(),
  }),
  'health_check.recorded': z.object({
    checked_on: dateText,
    kind: z.enum(['general', 'elderly_annual']).default('general'),
    vitals: vitalsSchema.optional(),
    labs: z
      .looseObject({
        fasting_glucose_mmol: measure.optional(),
        blood_routine: formItem.optional(),
        urine_routine: formItem.optional(),
        liver_function: formItem.optional(),
        kidney_function: formItem.optional(),
        lipids: formItem.optional(),
      })
      .optional(),
    lifestyle: z.record(z.string(), z.unknown()).optional(),
    /** 老年人生活自理能力评估 (0–19); 0 is a value */
    self_care_score: z.number().int().min(0).max(19).optional(),
    ecg: formItem.optional(),
    abdominal_ultrasound: formItem.optional(),
    assessment: z.unknown().optional(),
    /** 健康指导 given; an empty list = none given */
    guidance: stringList.optional(),
    tcm_constitution: z.unknown().optional(),
    tcm_guidance: stringList.optional(),
  }),
  'program.enrolled': z.object({ program: z.enum(PROGRAMS), on: dateText, diagnosed_on: dateText.optional() }),
  // `reason` is coded in v1.1 (code or Chinese label); a v1 free-text reason stays valid, kept with a warning.
  'program.exited': z.object({ program: z.enum(PROGRAMS), on: dateText, reason: z.string().optional() }),
  'followup.recorded': z.object({
    program: z.enum(PROGRAMS),
    followed_on: dateText,
    method: z.enum(['clinic', 'home', 'phone', 'other']),
    vitals: vitalsSchema.optional(),
    fasting_glucose_mmol: measure.optional(),
    classification: z.enum(['controlled', 'uncontrolled', 'adverse_reaction', 'complication']).optional(),
    condition: z.enum(['stable', 'basically_stable', 'unstable']).optional(),
    medication_adherence: z.string().optional(),
    visit_kind: z
      .enum(['newborn_home_visit', 'well_child_check', 'first_prenatal', 'prenatal', 'postpartum_visit', 'postpartum_42d'])
      .optional(),
    gestational_weeks: z.number().int().min(0).max(45).optional(),
    doses_due: z.number().int().min(0).optional(),
    doses_taken: z.number().int().min(0).optional(),
    next_followup_on: dateText.optional(),
    // v1.1
    residence: residenceSchema.optional(),
    contact_phone: z.union([z.string(), z.number()]).transform(String).optional(),
    delivered_on: dateText.optional(),
    discharged_on: dateText.optional(),
    tcm_guidance: stringList.optional(),
  }),
  'service.recorded': z.object({
    kind: z.enum(['consultation', 'referral', 'joint_consultation', 'tcm_health_management']),
    served_on: dateText,
    tcm_constitution: z.unknown().optional(),
    tcm_guidance: stringList.optional(),
  }),
  'delivery.recorded': z.object({
    delivered_on: dateText,
    discharged_on: dateText.optional(),
    outcome: z.enum(['live_birth', 'stillbirth', 'miscarriage', 'induced']),
    live_births: z.number().int().min(0).max(9).optional(),
    institution_name: z.string().optional(),
  }),
  'person.linked': z.object({
    previous: z.object({ id_type: z.enum(ID_TYPES).default('resident_id'), id_number: z.string().min(1) }),
    reason: z.enum(['correction', 'birth_certificate', 'permit_change', 'other']),
  }),
  'archive.transferred': z.object({
    archive_no: archiveNo,
    transferred_on: dateText,
    to_institution_code: z.string().min(1),
    residence: residenceSchema.optional(),
  }),
  'archive.reopened': z.object({
    archive_no: archiveNo,
    reopened_on: dateText,
    reason: z.enum(['returned', 'correction']),
  }),
} satisfies Record<EventType, z.ZodType>;

const envelope = {
  event_id: z.union([z.string().min(1).max(128), z.number()]).transform(String),
  schema_version: z.literal(1, { error: 'schema_version must be 1 (the only version this service reads)' }),
  occurred_at: z.string().describe('ISO 8601 date or date-time; no offset means Asia/Shanghai (+08:00)'),
  institution_code: z.string().min(1),
  person: personSchema,
};

export const archiveEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => z.object({ type: z.literal(type), ...envelope, data: dataSchemas[type] })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<EventType> }>,
    ...z.ZodObject<{ type: z.ZodLiteral<EventType> }>[],
  ],
  { error: `type must be one of ${EVENT_TYPES.join(', ')}` },
);

type DataOf<T extends EventType> = z.output<(typeof dataSchemas)[T]>;
export type ParsedEvent = {
  [T in EventType]: {
    type: T;
    event_id: string;
    schema_version: 1;
    occurred_at: string;
    institution_code: string;
    person: z.output<typeof personSchema>;
    data: DataOf<T>;
  };
}[EventType];

/** The JSON Schema handed to clinic software vendors (docs/event.schema.json, kept current by a test). */
export function eventJsonSchema(): object {
  return {
    ...z.toJSONSchema(archiveEventSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://hap.example/schemas/archive-event.v1.json',
    title: 'Resident health archive event v1.1 (居民健康档案事件)',
  };
}
