import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { todayInBeijing } from '../../metrics/evaluation-period.js';
import { loadReferenceData } from '../../reference/reference-data.js';
import { generateDistrict } from '../../synthetic/generate-district.js';
import { writeSyntheticFiles } from '../../synthetic/write-files.js';

export async function generateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string', default: './synthetic' },
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '20261125' },
      until: { type: 'string' },
      county: { type: 'string', default: '500104' },
      'first-year': { type: 'string', default: '2024' },
    },
  });
  const scale = Number(values.scale);
  const until = values.until ?? todayInBeijing();
  if (!(scale > 0) || !/^\d{4}-\d{2}-\d{2}$/.test(until) || !/^\d{6}$/.test(values.county)) {
    console.error('hap generate: --scale > 0, --until YYYY-MM-DD, --county a 6-digit code');
    return 2;
  }
  const started = Date.now();
  const district = generateDistrict({
    county: values.county,
    reference: loadReferenceData(values.county),
    seed: Number(values.seed),
    scale,
    firstYear: Number(values['first-year']),
    until,
  });
  const out = await writeSyntheticFiles(district, resolve(values.out));
  console.log(`${out.events.toLocaleString('en')} events → ${out.eventsFile}\npopulation → ${out.populationFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}
