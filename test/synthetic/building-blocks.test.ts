import { describe, expect, it } from 'vitest';
import { ageOnDay, birthdayAt, civil, dayOf, isoDay, parseDay, yearOf } from '../../src/synthetic/calendar.js';
import { idNumber, noisyIdNumber, SequenceRegistry } from '../../src/synthetic/identity.js';
import { hashSeed, Random } from '../../src/synthetic/random.js';
import { normaliseResidentId } from '../../src/transform/id-number.js';

describe('Random (sfc32)', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, ((rng) => () => rng.uint32())(new Random(seed)));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps int() within its bounds and reaches both ends', () => {
    const rng = new Random(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(rng.int(3, 9));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives normal deviates with about the requested mean and spread', () => {
    const rng = new Random(11);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(135, 12));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(135, 0);
    expect(sd).toBeGreaterThan(11.5);
    expect(sd).toBeLessThan(12.5);
  });

  it('mixes seeds so that neighbouring residents get unrelated streams', () => {
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
    expect(new Set(Array.from({ length: 1000 }, (_, i) => hashSeed(20261125, i))).size).toBe(1000);
  });
});

describe('calendar', () => {
  it('agrees with Date for every day from 1900 to 2100', () => {
    for (let day = dayOf(1900, 1, 1); day <= dayOf(2100, 12, 31); day += 1) {
      const date = new Date(day * 86_400_000);
      expect(civil(day)).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
    }
  });

  it('rolls months past December over, as Date.UTC does', () => {
    expect(isoDay(dayOf(2025, 13, 1))).toBe('2026-01-01');
    expect(parseDay('2024-02-29')).toBe(dayOf(2024, 2, 29));
    expect(() => parseDay('2025-02-29')).toThrow();
  });

  it('counts whole years of age', () => {
    const birth = parseDay('1959-07-01');
    expect(ageOnDay(birth, parseDay('2024-06-30'))).toBe(64);
    expect(ageOnDay(birth, parseDay('2024-07-01'))).toBe(65);
    expect(yearOf(birthdayAt(birth, 65))).toBe(2024);
  });
});

describe('synthetic ID numbers', () => {
  it('builds valid GB 11643 numbers whose sequence parity gives the sex', () => {
    const registry = new SequenceRegistry(1);
    const birth = parseDay('1980-05-17');
    for (const sex of [1, 2] as const) {
      const id = idNumber('500104', birth, registry.assign(0, birth, sex));
      const result = normaliseResidentId(id);
      expect(result.ok).toBe(true);
      expect(result.ok && result.sex).toBe(sex);
      expect(result.ok && result.birthDate).toBe('1980-05-17');
    }
  });

  it('never hands out the same sequence twice for one address, birth date and sex', () => {
    const registry = new SequenceRegistry(3);
    const birth = parseDay('1990-01-01');
    const sequences = Array.from({ length: 499 }, () => registry.assign(0, birth, 2));
    expect(new Set(sequences).size).toBe(499);
    expect(sequences.every((s) => s % 2 === 0 && s > 0 && s < 1000)).toBe(true);
  });

  it('adds only noise that normalisation undoes, except the deliberate wrong check characters', () => {
    const id = idNumber('500104', parseDay('1975-03-09'), 123);
    const rng = new Random(5);
    let invalid = 0;
    const forms = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const noisy = noisyIdNumber(id, rng);
      const result = normaliseResidentId(noisy.text);
      if (noisy.invalid) {
        invalid++;
        expect(result.ok === false && result.problem).toBe('check_character');
      } else {
        expect(result.ok && result.idNumber).toBe(id);
        forms.add(noisy.text.length === 15 ? 'old' : /[０-９]/.test(noisy.text) ? 'full-width' : /\s/.test(noisy.text) ? 'spaces' : 'plain');
      }
    }
    expect(invalid / 20_000).toBeGreaterThan(0.0015);
    expect(invalid / 20_000).toBeLessThan(0.005);
    expect(forms).toEqual(new Set(['old', 'full-width', 'spaces', 'plain']));
  });

  it('writes an old 15-digit number only for people born in the 1900s', () => {
    const id = idNumber('500104', parseDay('2003-03-09'), 124);
    const rng = new Random(9);
    for (let i = 0; i < 5000; i++) expect(noisyIdNumber(id, rng).text.replace(/\s/g, '')).not.toHaveLength(15);
  });
});
