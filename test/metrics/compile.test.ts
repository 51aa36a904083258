import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/metrics/catalogue.js';
import { compileIndicator, compileIndicators, IndicatorDefinitionError } from '../../src/metrics/compile.js';
import { indicatorSchema } from '../../src/metrics/indicator-schema.js';
import { SUBJECTS } from '../../src/metrics/subjects.js';

describe('compileIndicator', () => {
  // The compiled SQL of every declaration is pinned: a change to the engine or a definition
  // shows up here as a reviewed diff (update with `npx vitest -u`).
  // Each indicator's own part is pinned per indicator; the subject relations they share once each.
  it.each(CATALOGUE.map((i) => [i.id, i] as const))('pins the SQL of %s', async (id, indicator) => {
    const compiled = compileIndicator(indicator, 'street');
    const subject = SUBJECTS[indicator.subject].sql;
    expect(compiled.sql.startsWith(subject)).toBe(true);
    const own = compiled.sql.slice(subject.length);
    await expect(`-- subject: ${indicator.subject} (subject-${indicator.subject}.sql)${own}\n-- params: ${JSON.stringify(compiled.params)}\n`).toMatchFileSnapshot(`./__snapshots__/sql/${id}.sql`);
  });

  it.each(Object.entries(SUBJECTS))('pins the %s subject relation', async (name, subject) => {
    await expect(`${subject.sql}\n`).toMatchFileSnapshot(`./__snapshots__/sql/subject-${name}.sql`);
  });

  it('binds every value as a parameter, never into the SQL text', () => {
    const bp = CATALOGUE.find((i) => i.id === 'hypertension_bp_control')!;
    const compiled = compileIndicator(bp, 'community');
    expect(Object.values(compiled.params)).toEqual(expect.arrayContaining(['hypertension', 1, 90, 65, 140, 150]));
    expect(compiled.sql).not.toMatch(/'hypertension'|\b150\b/);
    expect(compiled.sql).toContain('GROUP BY group_key');
  });

  it('makes a counted numerator a subset of its denominator', () => {
    const usage = CATALOGUE.find((i) => i.id === 'archive_usage')!;
    const { sql } = compileIndicator(usage, 'street');
    expect(sql).toMatch(/countIf\(ifNull\(\(\(active_archive = \{i0_f\d:Float64\}\) AND \(1\)\) AND \(dynamic_records_12m >= \{i0_f\d:Float64\}\), 0\)\) AS n0/);
  });

  it('refuses a filter on a column the subject does not register', () => {
    const bad = indicatorSchema.parse({
      ...CATALOGUE[0],
      numerator: { description: 'x', filters: [{ column: 'id_number', op: '=', value: '1' }] },
    });
    expect(() => compileIndicator(bad, 'street')).toThrow(IndicatorDefinitionError);
  });

  it('refuses a parameter the declaration does not declare', () => {
    const bad = indicatorSchema.parse({
      ...CATALOGUE[0],
      numerator: { description: 'x', filters: [{ column: 'age_at_eval', op: '>=', param: 'nope' }] },
    });
    expect(() => compileIndicator(bad, 'street')).toThrow(/parameter nope is not declared/);
  });

  it('compiles only the rule a switch parameter chooses', () => {
    const standard = CATALOGUE.find((i) => i.id === 'hypertension_standard_management')!;
    const own = (sql: string) => sql.slice(SUBJECTS.patient.sql.length);
    const byDefault = own(compileIndicator(standard, 'street').sql);
    expect(byDefault).toContain('face_to_face_days_in_year >=');
    expect(byDefault).not.toContain('face_to_face_days_annualised');
    expect(byDefault).toContain('health_checks_in_year >=');
    const prorated = own(compileIndicator({ ...standard, parameters: { ...standard.parameters, prorate: true, require_annual_check: false } }, 'street').sql);
    expect(prorated).toContain('face_to_face_days_annualised >=');
    expect(prorated).not.toContain('health_checks_in_year >=');
  });

  it('counts a TB first visit at any delay by default, and within the days a district sets', () => {
    const tb = CATALOGUE.find((i) => i.id === 'tb_management')!;
    expect(compileIndicator(tb, 'street').sql).toContain('days_to_first_visit IS NOT NULL');
    const within3 = compileIndicator({ ...tb, parameters: { first_visit_within_days: 3 } }, 'street');
    expect(within3.sql).toMatch(/days_to_first_visit <= \{i0_f\d+:Float64\}/);
    expect(Object.values(within3.params)).toContain(3);
  });

  it('refuses a switch on a parameter the declaration does not declare', () => {
    const bad = indicatorSchema.parse({
      ...CATALOGUE[0],
      numerator: { description: 'x', filters: [{ when_param: 'nope', is: true, use: [], otherwise: [] }] },
    });
    expect(() => compileIndicator(bad, 'street')).toThrow(/parameter nope is not declared/);
  });

  it('counts many indicators of a subject in one scan, with the numerator and denominator each would have alone', () => {
    const person = CATALOGUE.filter((i) => i.subject === 'person');
    const many = compileIndicators(person, 'street');
    expect(many.sql.match(/FROM subject/g)).toHaveLength(1);
    person.forEach((indicator, i) => {
      const alone = compileIndicator(indicator, 'street');
      // The same conditions, renamed: i0 alone is i{i} together.
      const own = alone.sql.slice(alone.sql.indexOf('AS group_key,') + 'AS group_key,'.length, alone.sql.lastIndexOf('FROM subject')).trim();
      const renamed = own.replaceAll('{i0_', `{i${i}_`).replace(' AS n0', ` AS n${i}`).replace(' AS d0', ` AS d${i}`);
      expect(many.sql).toContain(renamed);
    });
  });

  it('reads the maintained state of the year instead of the log when asked', () => {
    const coverage = CATALOGUE.find((i) => i.id === 'archive_coverage')!;
    const fromState = compileIndicator(coverage, 'street', 'state').sql;
    expect(fromState).toContain('FROM person_state FINAL WHERE year = {year:UInt16}');
    expect(fromState).not.toContain('FROM events');
  });

  it('changes a threshold through parameters alone', () => {
    const bp = CATALOGUE.find((i) => i.id === 'hypertension_bp_control')!;
    const stricter = { ...bp, parameters: { ...bp.parameters, sbp_limit: 130 } };
    expect(Object.values(compileIndicator(stricter, 'street').params)).toContain(130);
  });
});
