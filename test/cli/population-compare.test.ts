import { describe, expect, it } from 'vitest';
import { comparePopulation, comparisonLines, largeChanges, streetTotals } from '../../src/cli/population-compare.js';

const row = (division_code: string, count: number, group = 'resident_total') => ({ division_code, group, count });

describe('population import comparison', () => {
  it('totals a street by its own figure, else by its communities', () => {
    const totals = streetTotals([row('500104001001', 100), row('500104001002', 50), row('500104002', 900), row('500104002001', 10)]);
    expect(totals.get('500104001|resident_total')).toBe(150);
    expect(totals.get('500104002|resident_total')).toBe(900);
  });

  it('flags a change of more than 20 % and a street that disappears, not one of 20 % or a new one', () => {
    const before = [row('500104001', 1000), row('500104002', 1000), row('500104003', 1000)];
    const after = [row('500104001', 1200), row('500104002', 1201), row('500104004', 5)];
    const changes = comparePopulation(before, after);
    expect(largeChanges(changes).map((c) => [c.street, c.change])).toEqual([
      ['500104002', 0.201],
      ['500104003', -1],
    ]);
    const lines = comparisonLines(changes, (code) => (code === '500104002' ? '跳磴镇' : ''));
    expect(lines.find((l) => l.startsWith('500104002'))).toMatch(/跳磴镇.*1,000\s+1,201\s+\+20\.1 %\s+← more than 20 %/);
    expect(lines.at(-1)).toBe('county resident_total: 3,000 → 2,406');
  });
});
