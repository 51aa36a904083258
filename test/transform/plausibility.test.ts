import { describe, expect, it } from 'vitest';
import { implausibleMeasures, PLAUSIBLE_RANGES } from '../../src/transform/plausibility.js';

describe('plausibility ranges', () => {
  it('accepts both ends of every range and names the field outside it', () => {
    for (const [field, [low, high]] of Object.entries(PLAUSIBLE_RANGES)) {
      expect(implausibleMeasures({ [field]: low }, 'data.')).toEqual([]);
      expect(implausibleMeasures({ [field]: high }, 'data.')).toEqual([]);
      expect(implausibleMeasures({ [field]: high * 10 }, 'data.vitals.')).toEqual([
        { path: `data.vitals.${field}`, code: `value_implausible:${field}`, message: expect.stringContaining(`${low}–${high}`) },
      ]);
    }
  });

  it('catches the usual unit slips: height in metres, glucose in mg/dL', () => {
    expect(implausibleMeasures({ height_cm: 1.65, fasting_glucose_mmol: 126 }, '').map((r) => r.code)).toEqual(['value_implausible:height_cm', 'value_implausible:fasting_glucose_mmol']);
  });
});
