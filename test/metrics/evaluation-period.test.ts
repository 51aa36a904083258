import { describe, expect, it } from 'vitest';
import { evaluationPeriod, todayInBeijing } from '../../src/metrics/evaluation-period.js';

describe('evaluationPeriod', () => {
  it('evaluates a past year on 31 December and counts everything received', () => {
    const r = evaluationPeriod(2025, '2026-11-25');
    expect(r).toMatchObject({ ok: true, period: { evalDate: '2025-12-31', yearStart: '2025-01-01', asOf: null } });
  });

  it('evaluates the current year today', () => {
    expect(evaluationPeriod(2026, '2026-11-25')).toMatchObject({ ok: true, period: { evalDate: '2026-11-25' } });
  });

  it('takes as_of as the evaluation date and the receipt cut-off (end of that day, Beijing)', () => {
    const r = evaluationPeriod(2025, '2026-11-25', '2025-06-30');
    expect(r.ok && r.period.evalDate).toBe('2025-06-30');
    expect(r.ok && r.period.receivedBefore).toBe(Date.parse('2025-06-30T23:59:59.999+08:00'));
  });

  it('caps the evaluation date at year end when as_of is in the next year', () => {
    const r = evaluationPeriod(2025, '2026-11-25', '2026-01-15');
    expect(r.ok && r.period.evalDate).toBe('2025-12-31');
    expect(r.ok && r.period.receivedBefore).toBe(Date.parse('2026-01-15T23:59:59.999+08:00'));
  });

  it('names the parameter that is wrong', () => {
    expect(evaluationPeriod(2027, '2026-11-25')).toMatchObject({ ok: false, parameter: 'year' });
    expect(evaluationPeriod(2025, '2026-11-25', '2024-12-31')).toMatchObject({ ok: false, parameter: 'as_of' });
    expect(evaluationPeriod(2026, '2026-11-25', '2026-12-01')).toMatchObject({ ok: false, parameter: 'as_of' });
  });

  it('knows the date in Beijing near midnight UTC', () => {
    expect(todayInBeijing(Date.parse('2025-12-31T16:30:00Z'))).toBe('2026-01-01');
  });
});
