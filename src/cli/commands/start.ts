// `npm start`: the whole pipeline on the embedded default. An empty store is filled with the
// synthetic district (through the same ingest pipeline as real data), then the API serves.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { batchesOf, ingestBatches } from '../../ingest/ingest-stream.js';
import { todayInBeijing } from '../../metrics/evaluation-period.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import { queryRows } from '../../store/clickhouse.js';
import { replacePopulation } from '../../store/population-store.js';
import { generateDistrict } from '../../synthetic/generate-district.js';
import { Progress } from '../progress.js';
import { serveRuntime } from './serve.js';
import { createToken } from '../../auth/token-store.js';

export async function loadSyntheticDistrict(runtime: Runtime, options: { seed: number; scale: number; until?: string }): Promise<string> {
  const district = generateDistrict({
    county: runtime.config.region,
    reference: runtime.reference,
    seed: options.seed,
    scale: options.scale,
    firstYear: 2024,
    until: options.until ?? todayInBeijing(),
  });
  console.error(`generating a synthetic district: ${runtime.reference.county.name} (${runtime.config.region}), ${district.residents.toLocaleString('en')} residents, seed ${options.seed}`);
  const progress = new Progress('ingest');
  const totals = await ingestBatches(
    batchesOf(district.events(), runtime.config.insertBatchRows, (i) => `synthetic:${i + 1}`),
    runtime.pipeline,
    (t) => progress.update(t.accepted + t.rejected, `${t.rejected} rejected`),
  );
  const line = progress.finish(totals.accepted + totals.rejected, `${totals.accepted} accepted, ${totals.rejected} rejected`);
  const years = new Map<number, { division_code: string; group: string; count: number }[]>();
  for (const { year, ...row } of district.population) years.set(year, [...(years.get(year) ?? []), row]);
  for (const [year, rows] of years) await replacePopulation(runtime.store, year, rows);
  return line;
}

export async function startCommand(args: string[]): Promise<number> {
  const started = Date.now();
  const { values } = parseArgs({ args, options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '20261125' } } });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  if (!(scale > 0) || !Number.isInteger(seed)) {
    console.error('hap start: --scale must be a positive number and --seed an integer');
    return 2;
  }
  const runtime = await openRuntime(loadConfig(process.env));
  try {
    const [row] = await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM events');
    if (Number(row?.n ?? 0) === 0) await loadSyntheticDistrict(runtime, { seed, scale });
    else console.error(`store at ${runtime.config.dataDir} holds ${Number(row?.n).toLocaleString('en')} events: serving them (delete the folder to start afresh)`);
    console.error(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (runtime.config.auth.enabled) {
      const demo = await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'npm start demo', expiresDays: 7 });
      console.error(`demo district-supervisor token (expires in 7 days; hap token revoke ${demo.record.id}):\n  Authorization: Bearer ${demo.token}`);
    }
    await serveRuntime(runtime);
    return 0;
  } finally {
    await runtime.close();
  }
}
