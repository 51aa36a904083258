// `hap population import FILE.csv`: denominators per year. The totals per street/town are shown
// before and after; a year whose figures would change by more than 20 % somewhere is refused
// unless `--replace` says the change is meant (a wrong file silently moves every rate).
// Beside a running server (it holds the embedded store) the same happens through its API.
import { readFileSync } from 'node:fs';
import { parsePopulationCsv } from '../../api/population-rows.js';
import { checkPopulationRows } from '../../api/routes/population.js';
import { type Config, loadConfig } from '../../config/config.js';
import { loadReferenceData, type ReferenceData } from '../../reference/reference-data.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import { StoreLockedError } from '../../store/clickhouse.js';
import { type PopulationRow, readPopulation, replacePopulation } from '../../store/population-store.js';
import { type ApiTarget, callApi, sendsThroughServer, serverTarget, storeHeldMessage } from '../api-client.js';
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
  notes: 'Beside a running server: HAP_API_URL=http://HOST:PORT HAP_API_TOKEN=<operator token> sends each year through PUT /v1/population/{year}.',
};

/** Where the figures are read and replaced: the store itself, or a running server's API. */
interface PopulationTarget {
  read(year: number): Promise<PopulationRow[]>;
  replace(year: number, rows: readonly PopulationRow[]): Promise<void>;
}

function storeTarget(runtime: Runtime): PopulationTarget {
  return { read: (year) => readPopulation(runtime.store.client, year), replace: (year, rows) => replacePopulation(runtime.store, year, rows) };
}

class ApiRefused extends Error {}

function apiTarget(target: ApiTarget): PopulationTarget {
  return {
    read: async (year) => {
      const answer = await callApi<{ rows: PopulationRow[] }>(target, 'GET', `/v1/population/${year}`);
      if (!answer.ok) throw new ApiRefused(answer.problem);
      return answer.body.rows;
    },
    replace: async (year, rows) => {
      const csv = ['year,division_code,group,count', ...rows.map((r) => `${year},${r.division_code},${r.group},${r.count}`)].join('\n');
      const answer = await callApi(target, 'PUT', `/v1/population/${year}`, { type: 'text/csv', text: `${csv}\n` });
      if (!answer.ok) throw new ApiRefused(answer.problem);
    },
  };
}

async function load(target: PopulationTarget, reference: ReferenceData, byYear: Map<number, PopulationRow[]>, replace: boolean): Promise<number> {
  const nameOf = (code: string) => reference.divisions.get(code)?.name ?? '';
  let refused = false;
  const plans: [number, PopulationRow[]][] = [];
  for (const [year, rows] of [...byYear].sort(([a], [b]) => a - b)) {
    const changes = comparePopulation(await target.read(year), rows);
    console.log(`population ${year}:\n  ${comparisonLines(changes, nameOf).join('\n  ')}`);
    if (largeChanges(changes).length > 0 && !replace) refused = true;
    plans.push([year, rows]);
  }
  if (refused) {
    console.error('hap population import: nothing loaded: figures change by more than 20 % (marked above). If that is meant, run again with --replace');
    return 1;
  }
  for (const [year, rows] of plans) {
    await target.replace(year, rows);
    console.log(`population ${year}: ${rows.length} rows loaded`);
  }
  return 0;
}

async function throughServer(config: Config, byYear: Map<number, PopulationRow[]>, replace: boolean): Promise<number> {
  try {
    return await load(apiTarget(serverTarget(config)), loadReferenceData(config.region, config.institutionFiles), byYear, replace);
  } catch (error) {
    if (!(error instanceof ApiRefused)) throw error;
    console.error(`hap population import: ${error.message}`);
    return 1;
  }
}

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('population', help, args);
  const [sub, file] = parsed.positionals as [string, string];
  if (sub !== 'import') throw new UsageError(`population: unknown subcommand ${sub} (only import)`);
  existingFile('population import', file);
  const { byYear, problems } = parsePopulationCsv(readFileSync(file, 'utf8'));
  const config = loadConfig(process.env);
  const reference = loadReferenceData(config.region, config.institutionFiles);
  for (const [year, rows] of byYear) problems.push(...checkPopulationRows(reference, rows).map((p) => `${year}: ${p}`));
  if (problems.length > 0) {
    console.error(`hap population import: nothing loaded, ${problems.length} problem(s):\n  ${problems.slice(0, 50).join('\n  ')}`);
    return 1;
  }
  const replace = parsed.values.replace === true;
  if (sendsThroughServer(config)) return throughServer(config, byYear, replace);
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    if (config.api.token) return throughServer(config, byYear, replace);
    console.error(storeHeldMessage('population import', error.path, 'population import FILE.csv'));
    return 1;
  }
  try {
    return await load(storeTarget(runtime), runtime.reference, byYear, replace);
  } finally {
    await runtime.close();
  }
}

export const populationCommand = { help, run };
