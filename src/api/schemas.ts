// Shared request and response schemas (zod): they validate, serialise and document (OpenAPI).
import { z } from 'zod';
import { normaliseDate } from '../transform/dates.js';

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

export const yearParam = z.coerce.number().int().min(2000).max(2100);
export const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => normaliseDate(d) === d, 'not a calendar date between 1900 and 2200');
export const regionParam = z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, 'a 6-, 9- or 12-digit division code');
export const byParam = z.enum(['street', 'community', 'institution']);
// Bounded so that (page − 1) × page_size stays a UInt32 offset: a page past the rows is empty, never a 500.
export const MAX_PAGE = 100_000;
export const pageParam = z.coerce.number().int().min(1).max(MAX_PAGE).default(1);
export const pageSizeParam = z.coerce.number().int().min(1).max(1000).default(100);

export const reasonSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

export const indicatorRowSchema = z.object({
  code: z.string(),
  name: z.string(),
  numerator: z.number().int(),
  denominator: z.number().int(),
  rate: z.number().nullable(),
  target: z.number().nullable(),
  meets_target: z.boolean().nullable(),
  data_problem: z.enum(['numerator_exceeds_denominator', 'population_missing']).nullable(),
});

/** year, region, by and as_of: the period and grouping of a figure. */
export const periodQuery = z.object({
  year: yearParam.optional().describe('default: the current year'),
  region: regionParam.optional().describe('county, street/town or community code; default: the configured county'),
  by: byParam.default('street'),
  as_of: dateParam.optional().describe('values as known on that date: evaluation date and received-by cut-off'),
});

export const periodSchema = z.object({ year: z.number().int(), evaluation_date: z.string(), as_of: z.string().nullable() });
export const regionSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });
