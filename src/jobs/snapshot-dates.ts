// Calendar arithmetic of the nightly snapshot: which dates a run takes. Dates are `YYYY-MM-DD`
// calendar dates in Asia/Shanghai; the arithmetic is done at UTC midnight, so no DST or zone
// offset can shift a day.
import { todayInBeijing } from '../metrics/evaluation-period.js';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function toEpochDay(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!DATE.test(date) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

export function addDays(date: string, days: number): string {
  return new Date((toEpochDay(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** The last day of a month `YYYY-MM`: the day before the first of the next one. */
export function lastDayOfMonth(month: string): string {
  const nextMonth = addDays(`${month}-01`, 31).slice(0, 7);
  return addDays(`${nextMonth}-01`, -1);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** Every date from `from` to `to`, both included; empty when `from` is after `to`. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toEpochDay(from), end = toEpochDay(to); d <= end; d++) out.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  return out;
}

/**
 * The date a run at `now` snapshots: the last complete day. Its `as_of` cut-off (end of that day)
 * has passed, so the snapshot never changes when taken again later.
 */
export function lastCompleteDay(now: number): string {
  return addDays(todayInBeijing(now), -1);
}

/**
 * The dates a run should make sure are taken: from the last stored snapshot (included, in case
 * it is incomplete) to the last complete day, but never more than `maxDays` back. A store with no
 * snapshot yet starts with the last complete day: history is not invented at first start.
 */
export function catchUpWindow(now: number, lastTaken: string | null, maxDays: number): { from: string; to: string } | null {
  const to = lastCompleteDay(now);
  const earliest = addDays(to, -(maxDays - 1));
  const from = lastTaken === null ? to : lastTaken < earliest ? earliest : lastTaken;
  return from > to ? null : { from, to };
}

/** Dates of [from, to] not in `taken`, oldest first. */
export function missingDates(from: string, to: string, taken: ReadonlySet<string>): string[] {
  return datesBetween(from, to).filter((d) => !taken.has(d));
}
