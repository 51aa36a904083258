// Whole days as integers (days since 1970-01-01). Synthetic lives are planned in day numbers
// because they are cheap to compare and store in typed arrays; text appears only on output.

/** Used for "no such day" (never departed, never archived): larger than any real day. */
export const FOREVER = 1_000_000;
/** Arrival of the residents already living in the district when the synthetic period starts. */
export const ALWAYS = -1_000_000;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
 * Arithmetic instead of Date: these conversions run millions of times at full scale.
 * Months past 12 and days past the month's end roll over, as Date.UTC's do.
 */
export function dayOf(year: number, month: number, day: number): number {
  const y0 = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** [year, month, day] of a day number (civil_from_days). */
export function civil(dayNumber: number): [number, number, number] {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function parseDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${iso}`);
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  if (isoDay(day) !== iso) throw new Error(`not a real date: ${iso}`);
  return day;
}

// Formatting dominates output cost and the same few thousand days recur millions of times:
// cache the text per day (an array indexed from 1850 is the fastest lookup there is).
const CACHE_FROM = dayOf(1850, 1, 1);
const CACHE_DAYS = dayOf(2200, 1, 1) - CACHE_FROM;
const isoCache: string[] = new Array<string>(CACHE_DAYS).fill('');

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isoDay(day: number): string {
  const i = day - CACHE_FROM;
  const cached = i >= 0 && i < CACHE_DAYS ? isoCache[i] : undefined;
  if (cached) return cached;
  const [y, m, d] = civil(day);
  const text = `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
  if (cached === '') isoCache[i] = text;
  return text;
}

export function yearOf(day: number): number {
  return civil(day)[0];
}

export function yearStart(year: number): number {
  return dayOf(year, 1, 1);
}

/** Whole years of age on a day. */
export function ageOnDay(birthDay: number, day: number): number {
  const [by, bm, bd] = civil(birthDay);
  const [y, m, d] = civil(day);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Whole months of age on a day (a month-age M is the birth date plus M calendar months). */
export function monthsOnDay(birthDay: number, day: number): number {
  const [by, bm, bd] = civil(birthDay);
  const [y, m, d] = civil(day);
  return (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
}

/** The day a person turns `years` old (29 February birthdays roll to 1 March). */
export function birthdayAt(birthDay: number, years: number): number {
  const [y, m, d] = civil(birthDay);
  return dayOf(y + years, m, d);
}

/** Today's date in Asia/Shanghai, for the CLI default of `until`. */
export function todayInShanghai(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}
