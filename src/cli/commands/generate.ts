import { resolve } from 'node:path';
import { todayInBeijing } from '../../metrics/evaluation-period.js';
import { loadReferenceData } from '../../reference/reference-data.js';
import { generateDistrict } from '../../synthetic/generate-district.js';
import { writeSyntheticFiles } from '../../synthetic/write-files.js';
import { type CommandHelp, numberOption, parseCommandArgs, UsageError } from '../cli-args.js';

const help: CommandHelp = {
  usage: 'hap generate [--out DIR] [--scale N] [--seed N] [--until YYYY-MM-DD] [--county CODE]',
  summary: "Writes a synthetic district's clinic events (events.ndjson) and population (population.csv).",
  options: {
    out: { type: 'string', value: 'DIR', description: 'where the files go', default: './synthetic' },
    scale: { type: 'string', value: 'N', description: 'size against the real district (1 ≈ 420,000 residents)', default: '1' },
    seed: { type: 'string', value: 'N', description: 'the same seed gives the same district', default: '20261125' },
    until: { type: 'string', value: 'YYYY-MM-DD', description: 'last day of events', default: 'today in Beijing' },
    county: { type: 'string', value: 'CODE', description: '6-digit county code', default: '500104' },
    'first-year': { type: 'string', value: 'YYYY', description: 'first year of events', default: '2024' },
  },
};

async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('generate', help, args);
  const scale = numberOption('generate', 'scale', values.scale ?? '1', { positive: true });
  const seed = numberOption('generate', 'seed', values.seed ?? '20261125', { integer: true });
  const firstYear = numberOption('generate', 'first-year', values['first-year'] ?? '2024', { integer: true, min: 1900 });
  const until = typeof values.until === 'string' ? values.until : todayInBeijing();
  const county = typeof values.county === 'string' ? values.county : '500104';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) throw new UsageError(`generate: --until must be YYYY-MM-DD, got ${JSON.stringify(until)}`);
  if (!/^\d{6}$/.test(county)) throw new UsageError(`generate: --county must be a 6-digit code, got ${JSON.stringify(county)}`);
  const started = Date.now();
  const district = generateDistrict({ county, reference: loadReferenceData(county), seed, scale, firstYear, until });
  const out = await writeSyntheticFiles(district, resolve(typeof values.out === 'string' ? values.out : './synthetic'));
  console.log(`${out.events.toLocaleString('en')} events → ${out.eventsFile}\npopulation → ${out.populationFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

export const generateCommand = { help, run };
