// `hap population import FILE.csv`: denominators per year. The totals per street/town are shown
// before and after; a year whose figures would change by more than 20 % somewhere is refused
// unless `--replace` says the change is meant (a wrong file silently moves every rate).
import { readFileSync } from 'node:fs';
import { parsePopulationCsv } from '../../api/population-rows.js';
import { checkPopulationRows } from '../../api/routes/population.js';
import { loadConfig } from '../../config/config.js';
import { openRuntime } from '../../runtime.js';
import { type PopulationRow, readPopulation, replacePopulation } from '../../store/population-store.js';
import { type CommandHelp, existingFile, parseCommandArgs, UsageError } from '../cli-args.js';
import { comparePopulation, comparisonLines, largeChanges } from '../population-compare.js';

// Kept here too: the import's own parser, the one the API's text/csv body uses.
export { parsePopulationCsv };

const help: CommandHelp = {
  usage: 'hap population import FILE.csv [--replace]',
  summary:
    'Loads population denominators: CSV columns year,division_code,group,count, at community (12 digits) or street/town (9 digits) level.\n' +
    'Each year in the file replaces that year. Totals per street/town are printed before and after.',
  options: { replace: { type: 'boolean', description: 'load even when a street/town figure changes by more than 20 % against what is stored' } },
  positionals: { min: 2, max: 2, name: 'the subcommand and the file: import FILE.csv' },
};

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('population', help, args);
  const [sub, file] = parsed.positionals as [string, string];
  if (sub !== 'import') throw new UsageError(`population: unknown subcommand ${sub} (only import)`);
  existingFile('population import', file);
  const { byYear, problems } = parsePopulationCsv(readFileSync(file, 'utf8'));
  const runtime = await openRuntime(loadConfig(process.env));
  try {
    for (const [year, rows] of byYear) problems.push(...checkPopulationRows(runtime.reference, rows).map((p) => `${year}: ${p}`));
    if (problems.length > 0) {
      console.error(`hap population import: nothing loaded, ${problems.length} problem(s):\n  ${problems.slice(0, 50).join('\n  ')}`);
      return 1;
    }
    const nameOf = (code: string) => runtime.reference.divisions.get(code)?.name ?? '';
    let refused = false;
    const plans: [number, PopulationRow[]][] = [];
    for (const [year, rows] of [...byYear].sort(([a], [b]) => a - b)) {
      const changes = comparePopulation(await readPopulation(runtime.store.client, year), rows);
      console.log(`population ${year}:\n  ${comparisonLines(changes, nameOf).join('\n  ')}`);
      if (largeChanges(changes).length > 0 && !parsed.values.replace) refused = true;
      plans.push([year, rows]);
    }
    if (refused) {
      console.error('hap population import: nothing loaded: figures change by more than 20 % (marked above). If that is meant, run again with --replace');
      return 1;
    }
    for (const [year, rows] of plans) {
      await replacePopulation(runtime.store, year, rows);
      console.log(`population ${year}: ${rows.length} rows loaded`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

export const populationCommand = { help, run };
