// The caller's scope applied to a request: a street supervisor sees their street/town (its
// "total" is the street's), an institution user and a submitter their institution. Outside it:
// a 403 that says which scope was needed.
import type { Principal } from '../auth/principal.js';
import type { Assessment, AssessmentRow } from '../metrics/assessment.js';
import type { Division } from '../reference/divisions.js';
import { institutionsServing, type ReferenceData } from '../reference/reference-data.js';
import { ApiError } from './errors.js';
import { checkGrouping, resolveRegion } from './params.js';
import type { GroupLevel } from '../metrics/subjects.js';

const outside = (principal: Principal, what: string) =>
  new ApiError('forbidden', `${what} is outside your scope (${principal.scope.level} ${principal.scope.code})`, {
    needed: what,
    scope: principal.scope,
  });

/**
 * The region a request may read: the one asked for when it lies in the caller's scope, else a
 * 403; none asked for → the caller's own (the county, their street/town). An institution's users
 * read the county or a region the institution serves; `restrictToInstitution` then limits the rows.
 */
export function scopedRegion(principal: Principal, reference: ReferenceData, code: string | undefined): Division {
  const { level, code: scope } = principal.scope;
  if (level === 'street') {
    const region = resolveRegion(reference, code ?? scope);
    if (!region.code.startsWith(scope)) throw outside(principal, `region ${region.code}`);
    return region;
  }
  const region = resolveRegion(reference, code);
  if (level === 'institution' && region.code !== reference.county.code) {
    const served = reference.institutions.get(scope)?.serves ?? [];
    if (!served.some((s) => region.code.startsWith(s) || s.startsWith(region.code))) throw outside(principal, `region ${region.code}`);
  }
  return region;
}

/** The institution filter of a list: an institution's user always gets theirs; another is a 403. */
export function scopedInstitution(principal: Principal, code: string | undefined): string | undefined {
  if (principal.scope.level !== 'institution') return code;
  if (code !== undefined && code !== principal.scope.code) throw outside(principal, `institution ${code}`);
  return principal.scope.code;
}

/** Whether a row of institution `code` may be shown to the caller (street scope: institutions serving the street). */
export function institutionVisible(principal: Principal, reference: ReferenceData, code: string): boolean {
  if (principal.scope.level === 'county') return true;
  if (principal.scope.level === 'institution') return code === principal.scope.code;
  return institutionsServing(reference, principal.scope.code).some((i) => i.code === code);
}

/** The assessment limited to the caller's institution (its row in every indicator, its score). */
export function scopeAssessment(principal: Principal, assessment: Assessment): Assessment {
  if (principal.scope.level !== 'institution') return assessment;
  const mine = principal.scope.code;
  const scoreRow = assessment.scores.rows.find((r) => r.code === mine) ?? { code: mine, name: mine, score: 0 };
  return {
    ...assessment,
    indicators: assessment.indicators.map((i) => restrictToInstitution(principal, i, (code): AssessmentRow => ({ ...i.total, code, name: code, numerator: 0, denominator: 0, rate: null, meets_target: null, data_problem: null, score: 0 }))),
    scores: { rows: [scoreRow], total: scoreRow },
  };
}

/** Whether figures of a division may be shown to the caller (its street/town, or one its institution serves). */
export function divisionVisible(principal: Principal, reference: ReferenceData, code: string): boolean {
  if (principal.scope.level === 'county') return true;
  if (principal.scope.level === 'street') return code.startsWith(principal.scope.code);
  const served = reference.institutions.get(principal.scope.code)?.serves ?? [];
  return served.some((s) => code.startsWith(s) || s.startsWith(code));
}

/** An institution's user reads figures by institution only (their row); by street or community is a 403. */
export function checkInstitutionGrouping(principal: Principal, by: string): void {
  if (principal.scope.level === 'institution' && by !== 'institution') throw outside(principal, `figures by ${by} (use by=institution)`);
}

/** The region of a grouped request in the caller's scope: grouping allowed to them, region inside their scope and finer than `by`. */
export function scopedGroupedRegion(principal: Principal, reference: ReferenceData, code: string | undefined, by: GroupLevel): Division {
  checkInstitutionGrouping(principal, by);
  const region = scopedRegion(principal, reference, code);
  checkGrouping(region, by);
  return region;
}

/**
 * A grouped answer limited to the caller's institution: the rows are theirs alone and the total
 * becomes their row (`emptyRow` when the institution has none).
 */
export function restrictToInstitution<R extends { code: string }, T extends { rows: R[]; total: R }>(principal: Principal, result: T, emptyRow: (code: string) => R): T {
  if (principal.scope.level !== 'institution') return result;
  const mine = result.rows.find((r) => r.code === principal.scope.code) ?? emptyRow(principal.scope.code);
  return { ...result, rows: [mine], total: mine };
}
