import { describe, expect, it } from 'vitest';
import { PopulationLookup } from '../../src/metrics/denominators.js';
import { loadReferenceData } from '../../src/reference/reference-data.js';

const reference = loadReferenceData('500104');
const [c1, c2] = reference.childrenOf('500104002').map((d) => d.code);

describe('PopulationLookup', () => {
  const rows = [
    { division_code: '500104001', group: 'resident_total', count: 100 },
    { division_code: '500104001001', group: 'resident_total', count: 7 }, // ignored: the street gives its own
    { division_code: c1!, group: 'resident_total', count: 30 },
    { division_code: c2!, group: 'resident_total', count: 20 },
    { division_code: '500104004', group: 'resident_total', count: 40 },
    { division_code: '500104101', group: 'resident_total', count: 5 },
    { division_code: '500104001', group: 'aged_65_plus', count: 9 },
  ];
  const lookup = new PopulationLookup(reference, rows, 'resident_total');

  it('uses a level’s own figure, else the sum of its children', () => {
    expect(lookup.forDivision('500104001')).toBe(100);
    expect(lookup.forDivision('500104002')).toBe(50);
    expect(lookup.forDivision('500104')).toBe(195);
  });

  it('answers null where no figure exists at or below a division', () => {
    expect(lookup.forDivision('500104003')).toBeNull();
  });

  it('sums the streets an institution serves, inside the region', () => {
    expect(lookup.forInstitution('H500104004', '500104')).toBe(45);
    expect(lookup.forInstitution('H500104004', '500104101')).toBe(5);
    expect(lookup.forInstitution('H500104004', '500104001')).toBeNull();
  });
});
