import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { checkPopulationRows, populationRowSchema } from '../../api/routes/population.js';
import { loadConfig } from '../../config/config.js';
import { openRuntime } from '../../runtime.js';
import { replacePopulation, type PopulationRow } from '../../store/population-store.js';

const csvRow = populationRowSchema.extend({ year: z.coerce.number().int().min(2000).max(2100), count: z.coerce.number().int().min(0) });

/** Parses a population CSV (year,division_code,group,count) into rows per year; problems name their line. */
export function parsePopulationCsv(text: string): { byYear: Map<number, PopulationRow[]>; problems: string[] } {
  const records = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const byYear = new Map<number, PopulationRow[]>();
  const problems: string[] = [];
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

export async function populationCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'import' || !file) {
    console.error('usage: hap population import FILE.csv   (columns year,division_code,group,count)');
    return 2;
  }
  const { byYear, problems } = parsePopulationCsv(readFileSync(file, 'utf8'));
  const runtime = await openRuntime(loadConfig(process.env));
  try {
    for (const [year, rows] of byYear) problems.push(...checkPopulationRows(runtime.reference, rows).map((p) => `${year}: ${p}`));
    if (problems.length > 0) {
      console.error(`hap population import: nothing loaded, ${problems.length} problem(s):\n  ${problems.slice(0, 50).join('\n  ')}`);
      return 1;
    }
    for (const [year, rows] of byYear) {
      await replacePopulation(runtime.store, year, rows);
      console.log(`population ${year}: ${rows.length} rows`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}
