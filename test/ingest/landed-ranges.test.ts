import { describe, expect, it } from 'vitest';
import { LandedRanges } from '../../src/ingest/landed-ranges.js';

const offsets = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('landed ranges', () => {
  it('leaves a batch whole when nothing of it landed', () => {
    const landed = new LandedRanges();
    landed.record('t:1', '0', '9');
    expect(landed.segments('t:0', offsets(0, 9))).toEqual([{ lo: 0, hi: 10, landed: false }]);
    expect(landed.segments('t:1', offsets(10, 14))).toEqual([{ lo: 0, hi: 5, landed: false }]);
    expect(landed.segments('t:1', [])).toEqual([]);
  });

  it('splits a redelivery that ends later at the landed boundary', () => {
    const landed = new LandedRanges();
    landed.record('t:0', '100', '199');
    expect(landed.segments('t:0', offsets(100, 249))).toEqual([
      { lo: 0, hi: 100, landed: true },
      { lo: 100, hi: 150, landed: false },
    ]);
  });

  it('splits around several landed batches, and a redelivery that starts inside one', () => {
    const landed = new LandedRanges();
    landed.record('t:0', '10', '19');
    landed.record('t:0', '20', '24');
    landed.record('t:0', '30', '39');
    expect(landed.segments('t:0', offsets(15, 41))).toEqual([
      { lo: 0, hi: 5, landed: true },
      { lo: 5, hi: 10, landed: true },
      { lo: 10, hi: 15, landed: false },
      { lo: 15, hi: 25, landed: true },
      { lo: 25, hi: 27, landed: false },
    ]);
  });

  it('forgets what the group has committed', () => {
    const landed = new LandedRanges();
    landed.record('t:0', '0', '9');
    landed.record('t:0', '10', '19');
    landed.committed('t:0', '10');
    expect(landed.size).toBe(1);
    expect(landed.segments('t:0', offsets(0, 19)).map((s) => s.landed)).toEqual([false, true]);
    landed.committed('t:0', '20');
    expect(landed.size).toBe(0);
  });

  it('keeps a bounded number of ranges per partition, the newest', () => {
    const landed = new LandedRanges(2);
    landed.record('t:0', '0', '9');
    landed.record('t:0', '10', '19');
    landed.record('t:0', '20', '29');
    expect(landed.size).toBe(2);
    expect(landed.segments('t:0', ['5', '15']).map((s) => s.landed)).toEqual([false, true]);
  });
});
