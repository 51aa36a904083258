// The items of a service record that definitions v2 look at, each with a fixed bit: the elderly
// health check form (DOMAIN.md "Decided edges": complete = every item below answered, guidance
// non-empty) and the TCM health management items. The store keeps the bits per event, so the
// rule "complete form" is one mask comparison. Append only: bits are stored.
export const SERVICE_ITEMS = [
  'lifestyle', 'self_care_score', 'blood_pressure', 'height', 'weight', 'waist', 'blood_routine', 'urine_routine',
  'liver_function', 'kidney_function', 'lipids', 'fasting_glucose', 'ecg', 'abdominal_ultrasound', 'assessment', 'guidance',
  'tcm_constitution', 'tcm_guidance',
] as const;
export type ServiceItem = (typeof SERVICE_ITEMS)[number];

/** 老年人健康体检表 complete (3rd ed.: 健康体检表填写完整, with guidance given). */
export const ELDERLY_CHECK_FORM: readonly ServiceItem[] = SERVICE_ITEMS.slice(0, SERVICE_ITEMS.indexOf('guidance') + 1);

const BIT = new Map<string, number>(SERVICE_ITEMS.map((item, i) => [item, i]));

export function serviceItemBit(item: ServiceItem): number {
  return BIT.get(item)!;
}

export function serviceItemMask(items: Iterable<ServiceItem>): number {
  let mask = 0;
  for (const item of items) mask |= 1 << BIT.get(item)!;
  return mask >>> 0;
}

/** Answered: present and not blank. 0 is a value (a self-care score of 0). */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isAnswered);
  return true;
}

interface ItemSource {
  lifestyle?: Record<string, unknown>;
  self_care_score?: number;
  vitals?: { bp_systolic?: number; bp_diastolic?: number; height_cm?: number; weight_kg?: number; waist_cm?: number };
  labs?: Record<string, unknown>;
  ecg?: unknown;
  abdominal_ultrasound?: unknown;
  assessment?: unknown;
  guidance?: string[];
  tcm_constitution?: unknown;
  tcm_guidance?: string[];
}

/** The bits of the items a health check, service or follow-up answers. */
export function answeredServiceItems(d: ItemSource): number {
  const items: ServiceItem[] = [];
  if (isAnswered(d.lifestyle)) items.push('lifestyle');
  if (d.self_care_score !== undefined) items.push('self_care_score');
  if (d.vitals?.bp_systolic !== undefined && d.vitals?.bp_diastolic !== undefined) items.push('blood_pressure');
  if (d.vitals?.height_cm !== undefined) items.push('height');
  if (d.vitals?.weight_kg !== undefined) items.push('weight');
  if (d.vitals?.waist_cm !== undefined) items.push('waist');
  for (const lab of ['blood_routine', 'urine_routine', 'liver_function', 'kidney_function', 'lipids'] as const) {
    if (isAnswered(d.labs?.[lab])) items.push(lab);
  }
  if (isAnswered(d.labs?.fasting_glucose_mmol)) items.push('fasting_glucose');
  if (isAnswered(d.ecg)) items.push('ecg');
  if (isAnswered(d.abdominal_ultrasound)) items.push('abdominal_ultrasound');
  if (isAnswered(d.assessment)) items.push('assessment');
  if (isAnswered(d.guidance)) items.push('guidance');
  if (isAnswered(d.tcm_constitution)) items.push('tcm_constitution');
  if (isAnswered(d.tcm_guidance)) items.push('tcm_guidance');
  return serviceItemMask(items);
}
