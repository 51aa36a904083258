// Runs a compiled indicator for a period and region and assembles the rows supervisors see:
// every division (or institution) of the requested level, even those with nothing counted.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Division } from '../reference/divisions.js';
import { institutionsServing, type ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { toDateTime64 } from '../store/clickhouse-values.js';
import { type PopulationRow, readPopulation } from '../store/population-store.js';
import { fieldMask } from '../transform/archive-fields.js';
import { ELDERLY_CHECK_FORM, serviceItemBit, serviceItemMask } from '../transform/service-items.js';
import { BASIC_FIELDS, CHILD_BASIC_FIELDS } from './catalogue.js';
import { compileIndicators } from './compile.js';
import { PopulationLookup } from './denominators.js';
import type { EvaluationPeriod } from './evaluation-period.js';
import type { Indicator } from './indicator-schema.js';
import type { GroupLevel, SubjectSource } from './subjects.js';

export interface IndicatorRow {
  code: string;
  name: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  target: number | null;
  meets_target: boolean | null;
  /** why no rate is shown although something was counted: a data problem to fix, never a rate above 100% */
  data_problem: 'numerator_exceeds_denominator' | 'population_missing' | null;
}

export interface IndicatorResult {
  indicator: string;
  name_zh: string;
  name_en: string;
  period: { year: number; evaluation_date: string; as_of: string | null };
  region: { code: string; name: string; level: string };
  by: GroupLevel;
  rows: IndicatorRow[];
  total: IndicatorRow;
}

/** DOMAIN.md: an archive is established with name, sex, birth date, ID number and residence. */
const ESTABLISHED_FIELDS = ['name', 'sex', 'birth_date', 'id_number', 'division_code'] as const;

/** `institution:street` for every street an institution serves (which archive of a duplicate to keep). */
export function servingPairs(reference: Pick<ReferenceData, 'institutions'>): string[] {
  return [...reference.institutions.values()].flatMap((i) => i.serves.map((street) => `${i.code}:${street.slice(0, 9)}`));
}

/** The parameters every subject query binds, from a period. */
export function periodParams(period: EvaluationPeriod, region: string, reference: Pick<ReferenceData, 'institutions'>): Record<string, unknown> {
  return {
    year: period.year,
    eval_date: period.evalDate,
    year_start: period.yearStart,
    year_end: period.yearEnd,
    received_before: toDateTime64(period.receivedBefore),
    basic_mask: fieldMask(BASIC_FIELDS),
    child_mask: fieldMask(CHILD_BASIC_FIELDS),
    established_mask: fieldMask(ESTABLISHED_FIELDS),
    elderly_form_mask: serviceItemMask(ELDERLY_CHECK_FORM),
    tcm_constitution_bit: serviceItemBit('tcm_constitution'),
    tcm_guidance_bit: serviceItemBit('tcm_guidance'),
    serving: servingPairs(reference),
    buckets: 1,
    bucket: 0,
    region,
    include_unlocated: region.length === 6 ? 1 : 0,
  };
}

/** The groups of a level inside a region, in reference order. */
export function groupsOf(reference: ReferenceData, region: Division, by: GroupLevel): { code: string; name: string }[] {
  if (by === 'institution') {
    return institutionsServing(reference, region.code).map((i) => ({ code: i.code, name: i.name }));
  }
  const level = by === 'street' ? 'street' : 'community';
  return [...reference.divisions.values()]
    .filter((d) => d.level === level && (d.code.startsWith(region.code) || region.code.startsWith(d.code)))
    .map((d) => ({ code: d.code, name: d.name }));
}

export function makeRow(code: string, name: string, numerator: number, denominator: number | null, target: number | null): IndicatorRow {
  const den = denominator ?? 0;
  const dataProblem = denominator === null && numerator > 0 ? 'population_missing' : numerator > den && den > 0 ? 'numerator_exceeds_denominator' : null;
  const rate = den > 0 && dataProblem === null ? numerator / den : null;
  return { code, name, numerator, denominator: den, rate, target, meets_target: rate === null || target === null ? null : rate >= target, data_problem: dataProblem };
}

/** Whether the maintained state holds a year's figures as the log would give them now. */
export interface StateStatus {
  /** `subject`: a maintained table's id (`person`, `patient`, `issues`) */
  isCurrent(year: number, evalDate: string, subject: string): Promise<boolean>;
}

/** The maintained state when it is current and no as_of asks for the past; else the event log (always exact). */
export async function sourceFor(state: StateStatus | undefined, period: EvaluationPeriod, subject: string): Promise<SubjectSource> {
  if (!state || period.asOf !== null) return 'log';
  return (await state.isCurrent(period.year, period.evalDate, subject)) ? 'state' : 'log';
}

export interface EvaluateOptions {
  period: EvaluationPeriod;
  region: Division;
  by: GroupLevel;
  state?: StateStatus;
  /** force a source (differential tests, benchmarks); default: sourceFor(state, period) */
  source?: SubjectSource;
}

type Counted = Map<string, { numerator: number; denominator: number }>;

export async function evaluateIndicator(client: ClickHouseClient, reference: ReferenceData, indicator: Indicator, options: EvaluateOptions): Promise<IndicatorResult> {
  const [result] = await evaluateIndicators(client, reference, [indicator], options);
  return result!;
}

/** Several indicators, one scan per subject (not one per indicator); results in the order given. */
export async function evaluateIndicators(client: ClickHouseClient, reference: ReferenceData, indicators: readonly Indicator[], options: EvaluateOptions): Promise<IndicatorResult[]> {
  const { period, region, by } = options;
  const counted = new Map<string, Counted>();
  for (const subject of [...new Set(indicators.map((i) => i.subject))]) {
    const group = indicators.filter((i) => i.subject === subject);
    const source = options.source ?? (await sourceFor(options.state, period, subject));
    const compiled = compileIndicators(group, by, source);
    const rows = await queryRows<Record<string, string>>(client, compiled.sql, { ...periodParams(period, region.code, reference), ...compiled.params });
    group.forEach((indicator, i) => {
      counted.set(indicator.id, new Map(rows.map((r) => [r.group_key!, { numerator: Number(r[`n${i}`]), denominator: Number(r[`d${i}`]) }])));
    });
  }
  const populations = indicators.some((i) => 'population' in i.denominator) ? await readPopulation(client, period.year) : [];
  return indicators.map((indicator) => assemble(reference, indicator, counted.get(indicator.id)!, populations, options));
}

/** Every division (or institution) of the level, even those with nothing counted, and the region total. */
function assemble(reference: ReferenceData, indicator: Indicator, byKey: Counted, populations: readonly PopulationRow[], options: EvaluateOptions): IndicatorResult {
  const { period, region, by } = options;
  const population = 'population' in indicator.denominator ? new PopulationLookup(reference, populations, indicator.denominator.population) : undefined;
  const denominatorOf = (code: string, countedValue: number): number | null => {
    if (!population) return countedValue;
    return by === 'institution' ? population.forInstitution(code, region.code) : population.forDivision(code);
  };

  const groups = groupsOf(reference, region, by);
  const known = new Set(groups.map((g) => g.code));
  // Records whose residence or institution is not in the reference data still count in the total.
  for (const [key, c] of byKey) if (!known.has(key) && (c.numerator > 0 || c.denominator > 0)) groups.push({ code: key, name: key === '' ? '未知 (unknown)' : `未登记 (not in reference data) ${key}` });

  const rows = groups.map((g) => {
    const c = byKey.get(g.code) ?? { numerator: 0, denominator: 0 };
    return makeRow(g.code, g.name, c.numerator, denominatorOf(g.code, c.denominator), indicator.target);
  });
  const numeratorTotal = rows.reduce((s, r) => s + r.numerator, 0);
  const denominatorTotal = population ? population.forDivision(region.code) : rows.reduce((s, r) => s + r.denominator, 0);
  return {
    indicator: indicator.id,
    name_zh: indicator.name_zh,
    name_en: indicator.name_en,
    period: { year: period.year, evaluation_date: period.evalDate, as_of: period.asOf },
    region: { code: region.code, name: region.name, level: region.level },
    by,
    rows,
    total: makeRow(region.code, region.name, numeratorTotal, denominatorTotal, indicator.target),
  };
}
