// Values as ClickHouse reads them in text formats and bound parameters.

const DAY_MS = 86_400_000;
/** The `YYYY-MM-DD ` text of recent days, by day number (events of a stream cluster in a few days). */
const dayTexts = new Map<number, string>();
const DAY_TEXTS_KEPT = 4096;

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * epoch ms → `YYYY-MM-DD hh:mm:ss.sss` (UTC), the DateTime64 text ClickHouse parses fastest.
 * It runs for every stored event: the date part is remembered per day and the time part is
 * arithmetic (a Date and toISOString per call cost most of the row's timestamp work).
 */
export function toDateTime64(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const day = Math.floor(ms / DAY_MS);
  let dayText = dayTexts.get(day);
  if (dayText === undefined) {
    const iso = new Date(day * DAY_MS).toISOString();
    // Years past 9999 or before 0 are written with a sign (not a DateTime64 anyway): the long way.
    if (iso.length !== 24) return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
    if (dayTexts.size >= DAY_TEXTS_KEPT) dayTexts.clear();
    dayText = `${iso.slice(0, 10)} `;
    dayTexts.set(day, dayText);
  }
  let rest = ms - day * DAY_MS;
  const millis = Math.floor(rest % 1000);
  rest = Math.floor(rest / 1000);
  return `${dayText}${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)}.${three(millis)}`;
}
