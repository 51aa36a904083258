// Whole days as integers (days since 1970-01-01). Synthetic lives are planned in day numbers
// because they are cheap to compare and store in typed arrays; text appears only on output.

const MS_PER_DAY = 86_400_000;

/** Used for "no such day" (never departed, never archived): larger than any real day. */
export const FOREVER = 1_000_000;
/** Arrival of the residents already living in the district when the synthetic period starts. */
export const ALWAYS = -1_000_000;

export function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function parseDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${iso}`);
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  if (isoDay(day) !== iso) throw new Error(`not a real date: ${iso}`);
  return day;
}

// Formatting dominates output cost; the same few thousand days recur millions of times.
const isoCache = new Map<number, string>();

export function isoDay(day: number): string {
  let text = isoCache.get(day);
  if (text === undefined) {
    text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoCache.size < 100_000) isoCache.set(day, text);
  }
  return text;
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

export function yearStart(year: number): number {
  return dayOf(year, 1, 1);
}

/** Whole years of age on a day. */
export function ageOnDay(birthDay: number, day: number): number {
  const birth = new Date(birthDay * MS_PER_DAY);
  const on = new Date(day * MS_PER_DAY);
  let years = on.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < birth.getUTCMonth() || (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

/** The day a person turns `years` old (29 February birthdays roll to 1 March). */
export function birthdayAt(birthDay: number, years: number): number {
  const birth = new Date(birthDay * MS_PER_DAY);
  return dayOf(birth.getUTCFullYear() + years, birth.getUTCMonth() + 1, birth.getUTCDate());
}

/** Today's date in Asia/Shanghai, for the CLI default of `until`. */
export function todayInShanghai(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}
