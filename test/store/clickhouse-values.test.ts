import { describe, expect, it } from 'vitest';
import { toDateTime64 } from '../../src/store/clickhouse-values.js';

const viaDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

describe('toDateTime64', () => {
  it("writes what Date's ISO text says, for instants before 1970, around midnight and across years", () => {
    const samples = [0, 1, 999, 1000, 86_399_999, 86_400_000, -1, -86_400_001, Date.UTC(1900, 0, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2100, 1, 28, 12)];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      samples.push(Date.UTC(1950, 0, 1) + (seed / 2 ** 31) * 150 * 365 * 86_400_000);
    }
    for (const ms of samples) expect(toDateTime64(Math.floor(ms))).toBe(viaDate(Math.floor(ms)));
  });

  it('refuses what is not a time', () => {
    expect(() => toDateTime64(Number.NaN)).toThrow(RangeError);
  });
});
