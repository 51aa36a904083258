import { describe, expect, it } from 'vitest';
import { assessFreshness, endOfBeijingDay } from '../../src/jobs/institution-freshness.js';

const institutions = [
  { code: 'H1', name: '新山村街道社区卫生服务中心' },
  { code: 'H2', name: '跃进村街道社区卫生服务中心' },
  { code: 'H3', name: '九宫庙街道社区卫生服务中心' },
];
const at = (beijingLocal: string) => Date.parse(`${beijingLocal}+08:00`);

describe('institution freshness', () => {
  it('flags an institution once N whole days passed without an event, and one that never sent', () => {
    const rows = assessFreshness(
      institutions,
      [
        { institution_code: 'H1', last_received_at: at('2025-11-09T16:00:00'), last_occurred_at: at('2025-11-09T10:00:00') },
        { institution_code: 'H2', last_received_at: at('2025-11-08T09:00:00'), last_occurred_at: null },
      ],
      '2025-11-15',
      7,
    );
    expect(rows.map((r) => [r.code, r.days_since_received, r.status, r.stale])).toEqual([
      ['H1', 6, 'ok', false],
      ['H2', 7, 'stale', true],
      ['H3', null, 'never_sent', true],
    ]);
    expect(rows[0]!.status_label).toMatch(/^正常/);
    expect(rows[1]!.status_label).toMatch(/^超期未上报/);
    expect(rows[2]!.status_label).toMatch(/^从未上报/);
    expect(rows[1]!.days_since_occurred).toBeNull();
    expect(rows[0]!.last_received_at).toBe('2025-11-09T08:00:00.000Z');
  });

  it('counts days in Beijing dates: 01:00 on the 10th Beijing is still the 9th in UTC', () => {
    const [row] = assessFreshness(institutions.slice(0, 1), [{ institution_code: 'H1', last_received_at: at('2025-11-10T01:00:00'), last_occurred_at: null }], '2025-11-17', 7);
    expect(row!.days_since_received).toBe(7);
    expect(row!.stale).toBe(true);
  });

  it('ends a reference date at midnight Beijing', () => {
    expect(new Date(endOfBeijingDay('2025-11-15')).toISOString()).toBe('2025-11-15T15:59:59.999Z');
  });
});
