// Demographic and epidemiological rates for a Chinese city district. Figures are rounded
// national/Chongqing magnitudes, chosen so the indicators land where real districts report
// them; they describe no real population.
import { cumulativeOf, type Random } from './random.js';

/**
 * Share of residents by 5-year age band (0–4 … 95–99), an ageing Chongqing district:
 * about 16% aged 65+ (rising each year) and about 6% aged 0–6, like the 2020 census.
 */
const AGE_BANDS = [4.3, 5.0, 5.0, 4.5, 5.0, 6.5, 8.6, 8.1, 7.3, 7.5, 8.5, 8.0, 7.0, 5.4, 4.0, 2.5, 1.6, 0.8, 0.3, 0.1];
const SINGLE_YEAR_AGES = cumulativeOf(AGE_BANDS.flatMap((share) => Array<number>(5).fill(share / 5)));

/** Age (completed years) of someone living in the district when the period starts. */
export function residentAge(rng: Random): number {
  return rng.cumulative(SINGLE_YEAR_AGES);
}

/** People moving in are mostly young working adults, some with children, few old. */
const MOVER_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[0, 6], 7], [[7, 17], 6], [[18, 29], 32], [[30, 44], 33], [[45, 59], 14], [[60, 85], 8],
];

export function moverAge(rng: Random): number {
  const [lo, hi] = rng.weighted(MOVER_BANDS);
  return rng.int(lo, hi);
}

/** Annual probability of dying (Gompertz): about 0.7% a year over this age structure. */
export function mortality(age: number): number {
  return Math.min(0.4, 0.00004 * Math.exp(0.09 * age));
}

/** Annual probability of moving out of the district (about 1%, more among young adults). */
export function moveOutRate(age: number): number {
  return age >= 18 && age <= 45 ? 0.016 : 0.006;
}

export const LOST_TO_FOLLOW_UP_RATE = 0.001;
/** Moves within the district, per resident-year (1–2%: most change institution, so the archive is transferred). */
export const INTERNAL_MOVE_RATE = 0.022;

/** Hypertension among adults: about 25% of those 35 and older (the programme's estimate). */
export function hypertensionPrevalence(age: number): number {
  if (age < 35) return 0;
  if (age < 45) return 0.09;
  if (age < 55) return 0.18;
  if (age < 65) return 0.3;
  if (age < 75) return 0.4;
  return 0.47;
}

/** Type 2 diabetes: about 10% of those 35 and older. */
export function diabetesPrevalence(age: number): number {
  if (age < 35) return 0;
  if (age < 45) return 0.04;
  if (age < 55) return 0.08;
  if (age < 65) return 0.12;
  return 0.15;
}

/** Severe mental disorders: about 0.4% of all residents, none diagnosed before 15. */
export function smdPrevalence(age: number): number {
  return age >= 15 ? 0.0047 : 0;
}

/** Notified pulmonary tuberculosis, per person-year (about 45 per 100,000). */
export const TB_INCIDENCE = 0.00045;

/** Births per woman-year by age: a total fertility of about 1.05 (Chongqing lately: about 1). */
export function fertility(age: number): number {
  if (age < 20 || age > 42) return 0;
  if (age < 25) return 0.03;
  if (age < 30) return 0.075;
  if (age < 35) return 0.068;
  if (age < 40) return 0.03;
  return 0.008;
}

/** Years in which the big archive campaigns ran (2009 start of the programme, 2010–2013 push). */
export function archiveYearWeight(year: number): number {
  if (year < 2009) return 0;
  if (year === 2009) return 3;
  if (year <= 2011) return 12;
  if (year === 2012) return 9;
  if (year === 2013) return 7;
  return 4;
}

/** Ages in months at which a child has a check (3rd edition: 满月, 3, 6, 8, 12, 18, 24, 30, 36 months, then yearly). */
export const WELL_CHILD_MONTHS = [1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72];

/** Month-ages at which children 0–36 months get TCM health guidance (3rd edition, 中医药健康管理). */
export const CHILD_TCM_MONTHS: readonly number[] = [6, 12, 18, 24, 30, 36];
