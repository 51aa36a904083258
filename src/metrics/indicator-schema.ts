// An indicator is data: numerator and denominator as structured filters over a subject's
// registered columns, parameters a district may override, a target and its source.
import { z } from 'zod';

const scalar = z.union([z.number(), z.string()]);
/** A parameter: a threshold, a switch (`prorate`), or null for "none" (`first_visit_within_days`). */
const parameterValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type ParameterValue = z.infer<typeof parameterValue>;

export const comparisonSchema = z.object({
  column: z.string(),
  op: z.enum(['=', '!=', '<', '<=', '>', '>=', 'is_null', 'is_not_null']),
  /** a literal value … */
  value: scalar.optional(),
  /** … or the name of a parameter of the indicator */
  param: z.string().optional(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/**
 * A rule chosen by a parameter of the indicator at compile time: the filters of `use` when it equals
 * `is`, else those of `otherwise` (a district switches `prorate` or `require_annual_check` without code).
 */
export interface ParameterSwitch {
  when_param: string;
  is: ParameterValue;
  use: Filter[];
  otherwise: Filter[];
}

export type Filter = Comparison | { all: Filter[] } | { any: Filter[] } | { not: Filter } | ParameterSwitch;
export const filterSchema: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    comparisonSchema,
    z.object({ all: z.array(filterSchema) }),
    z.object({ any: z.array(filterSchema) }),
    z.object({ not: filterSchema }),
    z.object({ when_param: z.string(), is: parameterValue, use: z.array(filterSchema), otherwise: z.array(filterSchema) }),
  ]),
);

export const POPULATION_GROUPS = [
  'resident_total', 'aged_65_plus', 'aged_0_6', 'aged_0_36_months', 'live_births', 'hypertension_estimated', 'diabetes_estimated', 'smd_estimated',
  'tb_notified',
] as const;

export const indicatorSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name_zh: z.string(),
  name_en: z.string(),
  subject: z.enum(['person', 'patient']),
  /** filters both numerator and denominator share (who is counted at all) */
  where: z.array(filterSchema).default([]),
  numerator: z.object({ description: z.string(), filters: z.array(filterSchema) }),
  denominator: z.union([
    z.object({ description: z.string(), filters: z.array(filterSchema) }),
    z.object({ description: z.string(), population: z.enum(POPULATION_GROUPS) }),
  ]),
  parameters: z.record(z.string(), parameterValue).default({}),
  /** 0..1, null when the specification sets none */
  target: z.number().min(0).max(1).nullable(),
  source: z.string(),
  formula_zh: z.string(),
  /** what changed from definitions v1 (docs/indicators.md "Changed in v2"), empty when nothing */
  changed_in_v2: z.string().default(''),
});
export type Indicator = z.infer<typeof indicatorSchema>;
