// Turning validated query parameters into domain values; each failure names its parameter.
import type { Division } from '../reference/divisions.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { type EvaluationPeriod, evaluationPeriod, todayInBeijing } from '../metrics/evaluation-period.js';
import type { GroupLevel } from '../metrics/subjects.js';
import type { Indicator } from '../metrics/indicator-schema.js';
import { z } from 'zod';
import { ApiError, invalidParameter } from './errors.js';

export function resolveRegion(reference: ReferenceData, code: string | undefined): Division {
  if (code === undefined) return reference.county;
  const region = reference.divisions.get(code);
  if (!region) throw invalidParameter('region', `${code} is not a division of ${reference.county.name} (${reference.county.code})`);
  return region;
}

export function resolvePeriod(year: number | undefined, asOf: string | undefined, now = Date.now()): EvaluationPeriod {
  const today = todayInBeijing(now);
  const result = evaluationPeriod(year ?? Number(today.slice(0, 4)), today, asOf);
  if (!result.ok) throw invalidParameter(result.parameter, result.message);
  return result.period;
}

/** `by` must be finer than the region: streets of a county, communities of a county or street. */
export function checkGrouping(region: Division, by: GroupLevel): void {
  if (by === 'street' && region.level === 'community') throw invalidParameter('by', 'a community has no streets: use by=community or by=institution');
}

/** The region of a grouped request, checked against its `by`. */
export function resolveGroupedRegion(reference: ReferenceData, code: string | undefined, by: GroupLevel): Division {
  const region = resolveRegion(reference, code);
  checkGrouping(region, by);
  return region;
}

/** An indicator of the (district-adjusted) catalogue, or a 404 naming the path parameter. */
export function findIndicator(catalogue: readonly Indicator[], id: string): Indicator {
  const indicator = catalogue.find((i) => i.id === id);
  if (!indicator) throw new ApiError('not_found', `no indicator ${id}; GET /v1/indicators lists them`, { parameter: 'id' });
  return indicator;
}

/** `a,b` or repeated `?kind=a&kind=b` → a list, each checked against the allowed values. */
export function listParam(name: string, allowed: readonly string[], value: string | string[] | undefined): string[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const v of list) if (!allowed.includes(v)) throw invalidParameter(name, `${v} is not one of ${allowed.join(', ')}`);
  return list;
}

export const kindOrList = z.union([z.string(), z.array(z.string())]).optional();
