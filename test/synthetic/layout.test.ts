import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { apportionCapped, buildLayout, SERIAL_BLOCK } from '../../src/synthetic/layout.js';

describe('apportionCapped', () => {
  it('is a plain apportionment when no share reaches the cap', () => {
    expect(apportionCapped(10, [1, 2, 2], 100)).toEqual([2, 4, 4]);
  });

  it('fills the others by weight once a share is at the cap, and still sums to the total', () => {
    const counts = apportionCapped(100, [8, 1, 1], 50);
    expect(counts).toEqual([50, 25, 25]);
    const many = apportionCapped(1_000, [50, 30, 10, 5, 5], 300);
    expect(many.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(Math.max(...many)).toBeLessThanOrEqual(300);
  });
});

describe('district layout', () => {
  const reference = loadReferenceData('500104');
  const layoutAt = (scale: number) => buildLayout({ county: '500104', reference, seed: 20261125, scale, firstYear: 2024, until: '2026-11-25' });

  it('reaches four times the district within 5-digit archive serials', () => {
    const layout = layoutAt(4);
    const residents = layout.communities.reduce((s, c) => s + c.initial, 0);
    expect(residents).toBeGreaterThan(4 * 400_000);
    for (const c of layout.communities) expect(c.initial + c.movers).toBeLessThanOrEqual(SERIAL_BLOCK);
  });

  it('refuses a scale no layout of the district can number', () => {
    expect(() => layoutAt(12)).toThrow(/5-digit archive serials/);
  });
});
