import { describe, expect, it } from 'vitest';
import { addDays, catchUpWindow, datesBetween, daysBetween, lastCompleteDay, lastDayOfMonth, missingDates } from '../../src/jobs/snapshot-dates.js';

/** An instant given as Beijing wall-clock time. */
const beijing = (localDateTime: string) => Date.parse(`${localDateTime}+08:00`);

describe('calendar arithmetic', () => {
  it('adds days across months, years and 29 February', () => {
    expect(addDays('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('counts days between dates', () => {
    expect(daysBetween('2025-11-10', '2025-11-15')).toBe(5);
    expect(daysBetween('2024-06-01', '2025-06-01')).toBe(365);
    expect(daysBetween('2025-01-02', '2025-01-01')).toBe(-1);
  });

  it('lists dates inclusively, and none when reversed', () => {
    expect(datesBetween('2025-12-30', '2026-01-02')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(datesBetween('2025-01-02', '2025-01-01')).toEqual([]);
  });

  it('finds the last day of a month', () => {
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2025-02')).toBe('2025-02-28');
    expect(lastDayOfMonth('2025-12')).toBe('2025-12-31');
    expect(lastDayOfMonth('2025-04')).toBe('2025-04-30');
  });

  it('refuses what is not a calendar date', () => {
    expect(() => addDays('2025-02-30', 0)).toThrow(RangeError);
    expect(() => addDays('2025-13-01', 0)).toThrow(RangeError);
    expect(() => datesBetween('20250101', '2025-01-02')).toThrow(RangeError);
  });
});

describe('which nights a run takes', () => {
  it('snapshots the last complete Beijing day, also just after midnight Beijing (still the day before in UTC)', () => {
    expect(lastCompleteDay(beijing('2025-12-02T01:30:00'))).toBe('2025-12-01');
    expect(lastCompleteDay(beijing('2025-12-02T00:00:00'))).toBe('2025-12-01');
    expect(lastCompleteDay(beijing('2025-12-01T23:59:59'))).toBe('2025-11-30');
    expect(lastCompleteDay(beijing('2026-01-01T01:30:00'))).toBe('2025-12-31');
  });

  it('takes only last night on a store with no snapshot yet', () => {
    expect(catchUpWindow(beijing('2025-12-02T01:30:00'), null, 31)).toEqual({ from: '2025-12-01', to: '2025-12-01' });
  });

  it('re-checks the last stored night and takes every night after it', () => {
    expect(catchUpWindow(beijing('2025-12-02T01:30:00'), '2025-11-27', 31)).toEqual({ from: '2025-11-27', to: '2025-12-01' });
  });

  it('is only last night when nothing was missed', () => {
    expect(catchUpWindow(beijing('2025-12-02T01:30:00'), '2025-12-01', 31)).toEqual({ from: '2025-12-01', to: '2025-12-01' });
  });

  it('goes back at most catch_up_days nights', () => {
    const w = catchUpWindow(beijing('2025-12-02T01:30:00'), '2025-06-30', 31)!;
    expect(w).toEqual({ from: '2025-11-01', to: '2025-12-01' });
    expect(datesBetween(w.from, w.to)).toHaveLength(31);
    expect(catchUpWindow(beijing('2025-12-02T01:30:00'), '2025-06-30', 1)).toEqual({ from: '2025-12-01', to: '2025-12-01' });
  });

  it('crosses the new year', () => {
    expect(catchUpWindow(beijing('2026-01-02T01:30:00'), '2025-12-29', 31)).toEqual({ from: '2025-12-29', to: '2026-01-01' });
  });

  it('takes nothing when the store is ahead of the clock', () => {
    expect(catchUpWindow(beijing('2025-12-02T01:30:00'), '2025-12-05', 31)).toBeNull();
  });

  it('lists the dates of a window not yet taken, oldest first', () => {
    expect(missingDates('2025-11-27', '2025-12-01', new Set(['2025-11-27', '2025-11-29']))).toEqual(['2025-11-28', '2025-11-30', '2025-12-01']);
  });
});
