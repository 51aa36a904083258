import { describe, expect, it } from 'vitest';
import { parsePopulationCsv } from '../../src/cli/commands/population.js';

describe('population CSV', () => {
  it('groups rows by year and names the line of each problem', () => {
    const csv = '\uFEFFyear,division_code,group,count\n2025,500104001,resident_total,1200\n2025,500104001001,aged_65_plus,80\n2024,500104002,live_births,9\n2025,5001,resident_total,x\n';
    const { byYear, problems } = parsePopulationCsv(csv);
    expect(byYear.get(2025)).toEqual([
      { division_code: '500104001', group: 'resident_total', count: 1200 },
      { division_code: '500104001001', group: 'aged_65_plus', count: 80 },
    ]);
    expect(byYear.get(2024)).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 5: /);
  });
});
