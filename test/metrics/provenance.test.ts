import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assessmentFigures, canonicalJson, compareFigures, type Figures, figuresSha256 } from '../../src/metrics/provenance.js';

const figures = (numerator: number, score: number): Figures => ({
  indicators: [{ id: 'a', rows: [{ code: '1', numerator, denominator: 10, score }], total: { code: '0', numerator, denominator: 10, score } }],
  scores: { rows: [{ code: '1', score }], total: { code: '0', score } },
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }, 3], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1},3]}');
  });
});

describe('figuresSha256', () => {
  it('is the SHA-256 of the canonical figures, scores rounded to 6 decimals', () => {
    const f = assessmentFigures(figures(3, 1.23456789));
    expect(f.scores.total.score).toBe(1.234568);
    expect(figuresSha256(f)).toBe(createHash('sha256').update(canonicalJson(f)).digest('hex'));
    expect(figuresSha256(assessmentFigures(figures(3, 1.2345681)))).toBe(figuresSha256(f));
    expect(figuresSha256(assessmentFigures(figures(4, 1.23456789)))).not.toBe(figuresSha256(f));
  });
});

describe('compareFigures', () => {
  it('names each differing figure; a row on one side only differs', () => {
    const given = figures(3, 2);
    const recomputed = figures(4, 2);
    recomputed.scores.rows.push({ code: '2', score: 0 });
    expect(compareFigures(given, recomputed)).toEqual([
      { figure: 'a.1.numerator', given: 3, recomputed: 4 },
      { figure: 'a.0(total).numerator', given: 3, recomputed: 4 },
      { figure: 'score.2', given: null, recomputed: 0 },
    ]);
    expect(compareFigures(given, figures(3, 2))).toEqual([]);
  });
});
