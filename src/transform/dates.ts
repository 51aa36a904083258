// Dates and times as clinics send them. A date-time without an offset is Beijing time (+08:00).

const DATE_FORMS = [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, /^(\d{4})(\d{2})(\d{2})$/];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The canonical form `YYYY-MM-DD`, checked without regular expressions or Date objects (hot path). */
function canonicalDate(text: string): string | undefined {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-' || !isDigits(text, 0, 4) || !isDigits(text, 5, 7) || !isDigits(text, 8, 10)) return undefined;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1];
  return y >= 1900 && y <= 2200 && days !== undefined && d >= 1 && d <= days ? text : undefined;
}

/**
 * `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` → `YYYY-MM-DD`, or undefined when it is no real date.
 * Years 1900–2200: the store's Date32 starts in 1900 and would silently clamp anything earlier.
 */
export function normaliseDate(raw: string): string | undefined {
  const fast = canonicalDate(raw);
  if (fast) return fast;
  const text = raw.trim();
  for (const form of DATE_FORMS) {
    const m = form.exec(text);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1900 || y > 2200 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
    return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return undefined;
}

/**
 * An ISO 8601 date or date-time → epoch milliseconds. A bare date is midnight in Beijing;
 * a date-time without offset is Beijing time.
 */
export function parseOccurredAt(raw: string): number | undefined {
  const text = raw.trim();
  const date = normaliseDate(text);
  if (date) return Date.parse(`${date}T00:00:00+08:00`);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m || !normaliseDate(m[1]!)) return undefined;
  const offset = m[3] ?? '+08:00';
  const ms = Date.parse(`${m[1]}T${m[2]}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The calendar date in Beijing of an instant. */
export function beijingDate(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Whole years between a birth date and a date (both `YYYY-MM-DD`). */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
