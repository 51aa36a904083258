import { describe, expect, it } from 'vitest';
import { checkCharacter, cleanIdText, normaliseResidentId } from '../../src/transform/id-number.js';

describe('normaliseResidentId', () => {
  // Published valid examples (GB 11643 appendix; python-stdnum tests), DOMAIN.md "Identity".
  it.each([
    ['11010519491231002X', '1949-12-31', 2],
    ['360426199101010071', '1991-01-01', 1],
    ['44011320141005001X', '2014-10-05', 1],
  ])('accepts the published valid number %s', (id, birthDate, sex) => {
    expect(normaliseResidentId(id)).toEqual({ ok: true, idNumber: id, birthDate, sex, convertedFrom15: false });
  });

  it.each([
    ['36042619910102009X', 'check_character'],
    ['360426199113010079', 'birth_date'],
    ['T60426199101010078', 'format'],
    // Definitions v2: the standard's own 1880 example is now refused (birth dates from 1900 on, ours).
    ['440524188001010014', 'birth_date'],
  ])('rejects the published invalid number %s (%s)', (id, problem) => {
    const result = normaliseResidentId(id);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problem).toBe(problem);
  });

  it.each(['99', '00', '24', '72', '84'])('rejects a number whose first two digits %s are no province code', (prefix) => {
    const first17 = `${prefix}0105194912310021`.slice(0, 17);
    expect(normaliseResidentId(first17 + checkCharacter(first17))).toMatchObject({ ok: false, problem: 'province' });
  });

  it.each(['11', '50', '65', '71', '81', '83'])('accepts the province or permit prefix %s', (prefix) => {
    const first17 = `${prefix}010519491231002`;
    expect(normaliseResidentId(first17 + checkCharacter(first17)).ok).toBe(true);
  });

  it('accepts full-width digits, spaces and a lower-case x', () => {
    const result = normaliseResidentId('１１０１０５ 1949 1231 002x');
    expect(result.ok && result.idNumber).toBe('11010519491231002X');
  });

  it('converts an old 15-digit number to 18 digits with the century 19 and a check character', () => {
    const result = normaliseResidentId('440524800101001');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.idNumber.slice(0, 17)).toBe('44052419800101001');
    expect(result.idNumber[17]).toBe(checkCharacter('44052419800101001'));
    expect(result.convertedFrom15).toBe(true);
    expect(result.birthDate).toBe('1980-01-01');
  });

  it('rejects a 15-digit number whose date is not real', () => {
    expect(normaliseResidentId('440524801301001')).toMatchObject({ ok: false, problem: 'birth_date' });
  });

  it('computes the check character of the standard example', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  it('cleans ideographic spaces and dashes', () => {
    expect(cleanIdText('110105\u30001949-1231-002x')).toBe('11010519491231002X');
  });
});
