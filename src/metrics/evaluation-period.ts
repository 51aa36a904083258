// The evaluation date of year Y is 31 December of Y, or today while Y is the current year;
// `as_of` replaces it and also limits the count to events received by the end of that day.
// All dates are calendar dates in Asia/Shanghai.

export interface EvaluationPeriod {
  year: number;
  yearStart: string;
  yearEnd: string;
  evalDate: string;
  asOf: string | null;
  /** epoch ms: events received after this are not counted */
  receivedBefore: number;
}

export type PeriodResult = { ok: true; period: EvaluationPeriod } | { ok: false; parameter: string; message: string };

/** Received-by cut-off when no as_of is asked: everything received counts. */
export const NO_CUTOFF = Date.parse('2200-01-01T00:00:00Z');

export function evaluationPeriod(year: number, today: string, asOf?: string): PeriodResult {
  const currentYear = Number(today.slice(0, 4));
  if (year > currentYear) return { ok: false, parameter: 'year', message: `year ${year} has not begun (today is ${today})` };
  const yearStart = `${year}-01-01`;
  const yearEnd = `${year}-12-31`;
  if (asOf === undefined) {
    const evalDate = year === currentYear ? today : yearEnd;
    return { ok: true, period: { year, yearStart, yearEnd, evalDate, asOf: null, receivedBefore: NO_CUTOFF } };
  }
  if (asOf < yearStart) return { ok: false, parameter: 'as_of', message: `as_of ${asOf} is before the year ${year} begins` };
  if (asOf > today) return { ok: false, parameter: 'as_of', message: `as_of ${asOf} is in the future` };
  return {
    ok: true,
    period: {
      year,
      yearStart,
      yearEnd,
      // An assessment of Y published early in Y+1 counts Y's services received by then.
      evalDate: asOf < yearEnd ? asOf : yearEnd,
      asOf,
      receivedBefore: Date.parse(`${asOf}T23:59:59.999+08:00`),
    },
  };
}

/** Today's date in Asia/Shanghai. */
export function todayInBeijing(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
