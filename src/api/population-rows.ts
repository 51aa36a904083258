// Population figures at the boundary: a row's schema, and the CSV (year,division_code,group,count)
// that `hap population import` reads and `PUT /v1/population/{year}` takes as text/csv.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { POPULATION_GROUPS } from '../metrics/indicator-schema.js';
import type { PopulationRow } from '../store/population-store.js';

export const populationRowSchema = z.object({
  division_code: z.string().regex(/^\d{9}(\d{3})?$/, 'a 9-digit street/town or 12-digit community/village code'),
  group: z.enum(POPULATION_GROUPS),
  count: z.number().int().min(0),
});

const csvRow = populationRowSchema.extend({ year: z.coerce.number().int().min(2000).max(2100), count: z.coerce.number().int().min(0) });

/** Parses a population CSV into rows per year; problems name their line. */
export function parsePopulationCsv(text: string): { byYear: Map<number, PopulationRow[]>; problems: string[] } {
  const byYear = new Map<number, PopulationRow[]>();
  const problems: string[] = [];
  let records: Record<string, string>[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (error) {
    return { byYear, problems: [`not readable as CSV: ${(error as Error).message.split('\n')[0]}`] };
  }
  records.forEach((record, i) => {
    const parsed = csvRow.safeParse(record);
    if (!parsed.success) {
      problems.push(`line ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return;
    }
    const { year, ...row } = parsed.data;
    byYear.set(year, [...(byYear.get(year) ?? []), row]);
  });
  return { byYear, problems };
}
