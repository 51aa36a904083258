// Physiological plausibility of measurements. The national text (服务规范第三版) gives no ranges;
// these are ours, wide enough for every real person (newborns, the very tall, severe
// hyperglycaemia) and narrow enough to catch unit and typing errors (height in metres, weight in
// jin, glucose in mg/dL, a doubled digit) that would otherwise move the control indicators. A
// value outside is a rejection naming the field: the clinic corrects and re-sends it.

/** field → [lowest, highest] accepted, both included */
export const PLAUSIBLE_RANGES = {
  bp_systolic: [40, 300], // mmHg
  bp_diastolic: [20, 200], // mmHg
  heart_rate: [20, 250], // beats per minute
  height_cm: [30, 250], // a premature newborn to the tallest adults
  weight_kg: [0.5, 350],
  waist_cm: [20, 250],
  fasting_glucose_mmol: [0.5, 50], // mmol/L (50 mmol/L ≈ 900 mg/dL)
} as const satisfies Record<string, readonly [number, number]>;

export type MeasuredField = keyof typeof PLAUSIBLE_RANGES;

export interface Implausible {
  path: string;
  code: string;
  message: string;
}

/** The measurements of `values` (a vitals or labs object, or a follow-up's data) outside their range. */
export function implausibleMeasures(values: Readonly<Record<string, unknown>> | undefined, pathPrefix: string): Implausible[] {
  if (!values) return [];
  const found: Implausible[] = [];
  for (const field of Object.keys(PLAUSIBLE_RANGES) as MeasuredField[]) {
    const value = values[field];
    if (typeof value !== 'number') continue;
    const [low, high] = PLAUSIBLE_RANGES[field];
    if (value < low || value > high) {
      found.push({ path: `${pathPrefix}${field}`, code: `value_implausible:${field}`, message: `${value} is outside the plausible range ${low}–${high}` });
    }
  }
  return found;
}
