import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/metrics/catalogue.js';
import { applyOverrides } from '../../src/metrics/overrides.js';

describe('district overrides', () => {
  it('changes targets and declared parameters without code', () => {
    const text = JSON.stringify({ overrides: { hypertension_bp_control: { target: 0.5, parameters: { sbp_limit: 130 } }, archive_coverage: { target: 0.95 } } });
    const catalogue = applyOverrides(CATALOGUE, text);
    const bp = catalogue.find((i) => i.id === 'hypertension_bp_control')!;
    expect(bp.target).toBe(0.5);
    expect(bp.parameters).toMatchObject({ sbp_limit: 130, sbp_limit_elderly: 150 });
    expect(catalogue.find((i) => i.id === 'archive_coverage')!.target).toBe(0.95);
    expect(catalogue).toHaveLength(CATALOGUE.length);
  });

  it('reports unknown indicators and parameters together', () => {
    const text = JSON.stringify({ overrides: { happiness: { target: 1 }, newborn_visit: { parameters: { speed: 2 } } } });
    expect(() => applyOverrides(CATALOGUE, text)).toThrow(/overrides\.happiness: no such indicator[\s\S]*overrides\.newborn_visit\.parameters\.speed/);
  });

  it('switches the v2 choices of the national text: prorate, require_annual_check, first_visit_within_days, windows', () => {
    const text = JSON.stringify({
      overrides: {
        hypertension_standard_management: { parameters: { prorate: true, require_annual_check: false } },
        tb_management: { parameters: { first_visit_within_days: 3 } },
        newborn_visit: { parameters: { newborn_window_days: 3 } },
      },
    });
    const catalogue = applyOverrides(CATALOGUE, text);
    expect(catalogue.find((i) => i.id === 'hypertension_standard_management')!.parameters).toMatchObject({ prorate: true, require_annual_check: false });
    expect(catalogue.find((i) => i.id === 'tb_management')!.parameters.first_visit_within_days).toBe(3);
    // "None" stays a value a district may write out.
    const none = applyOverrides(CATALOGUE, JSON.stringify({ overrides: { tb_management: { parameters: { first_visit_within_days: null } } } }));
    expect(none.find((i) => i.id === 'tb_management')!.parameters.first_visit_within_days).toBeNull();
  });

  it('refuses a switch given as a number and a window given as text', () => {
    const text = JSON.stringify({
      overrides: { diabetes_standard_management: { parameters: { prorate: 1 } }, tb_management: { parameters: { first_visit_within_days: '3' } } },
    });
    expect(() => applyOverrides(CATALOGUE, text)).toThrow(/prorate: expected a boolean[\s\S]*first_visit_within_days: expected a number or null/);
  });

  it('accepts the shipped pipelines/indicators.json', () => {
    const text = readFileSync(new URL('../../pipelines/indicators.json', import.meta.url), 'utf8');
    expect(applyOverrides(CATALOGUE, text).find((i) => i.id === 'archive_usage')!.target).toBe(0.6);
  });
});
