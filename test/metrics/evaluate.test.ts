import { describe, expect, it } from 'vitest';
import { makeRow } from '../../src/metrics/evaluate.js';

describe('indicator rows', () => {
  it('computes rate and target attainment', () => {
    expect(makeRow('1', 'a', 45, 60, 0.6)).toMatchObject({ rate: 0.75, meets_target: true, data_problem: null });
    expect(makeRow('1', 'a', 0, 0, 0.6)).toMatchObject({ rate: null, meets_target: null, data_problem: null });
  });

  it('never shows a rate above 100%: the excess is reported as a data problem', () => {
    expect(makeRow('1', 'a', 12, 10, 0.9)).toMatchObject({ numerator: 12, denominator: 10, rate: null, meets_target: null, data_problem: 'numerator_exceeds_denominator' });
  });

  it('tells a missing population figure from a zero', () => {
    expect(makeRow('1', 'a', 3, null, 0.9)).toMatchObject({ denominator: 0, rate: null, data_problem: 'population_missing' });
  });
});
