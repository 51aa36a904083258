// `npm start`: the whole pipeline on the embedded default. An empty store is filled with the
// synthetic district (through the same ingest pipeline as real data), then the API serves.
// The load is marked started and, after the population (its last table), complete: a start
// that finds it started but not complete (an interrupted `npm start`) drops the half-filled
// district and loads it again instead of serving figures without their denominators.
import { loadConfig } from '../../config/config.js';
import { batchesOf, ingestBatches } from '../../ingest/ingest-stream.js';
import { todayInBeijing } from '../../metrics/evaluation-period.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import { queryRows } from '../../store/clickhouse.js';
import { loadState, markLoad } from '../../store/load-markers.js';
import { replacePopulation } from '../../store/population-store.js';
import { generateDistrict } from '../../synthetic/generate-district.js';
import { type CommandHelp, numberOption, parseCommandArgs } from '../cli-args.js';
import { Progress } from '../progress.js';
import { serveRuntime } from './serve.js';
import { createToken } from '../../auth/token-store.js';

export async function loadSyntheticDistrict(runtime: Runtime, options: { seed: number; scale: number; until?: string }): Promise<string> {
  await markLoad(runtime.store.client, SYNTHETIC_LOAD, 'started', JSON.stringify({ seed: options.seed, scale: options.scale }));
  const district = generateDistrict({
    county: runtime.config.region,
    reference: runtime.reference,
    seed: options.seed,
    scale: options.scale,
    firstYear: 2024,
    until: options.until ?? todayInBeijing(),
  });
  console.error(`generating a synthetic district: ${runtime.reference.county.name} (${runtime.config.region}), ${district.residents.toLocaleString('en')} residents, seed ${options.seed}`);
  const progress = new Progress('ingest').setTotal(district.eventCount());
  const totals = await ingestBatches(
    batchesOf(district.events(), runtime.config.insertBatchRows, (i) => `synthetic:${i + 1}`),
    runtime.pipeline,
    (t) => progress.update(t.accepted + t.rejected, `${t.rejected} rejected`),
  );
  const line = progress.finish(totals.accepted + totals.rejected, `${totals.accepted} accepted, ${totals.rejected} rejected`);
  const years = new Map<number, { division_code: string; group: string; count: number }[]>();
  for (const { year, ...row } of district.population) years.set(year, [...(years.get(year) ?? []), row]);
  for (const [year, rows] of years) await replacePopulation(runtime.store, year, rows);
  await markLoad(runtime.store.client, SYNTHETIC_LOAD, 'complete', JSON.stringify({ seed: options.seed, scale: options.scale }));
  return line;
}

export const SYNTHETIC_LOAD = 'synthetic_district';

/** Empties every data table of the store (not the migrations' record, not the load markers). */
async function emptyStore(runtime: Runtime): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    runtime.store.client,
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name NOT IN ('schema_migrations', 'load_markers')",
  );
  const onCluster = runtime.store.cluster ? ` ON CLUSTER ${runtime.store.cluster}` : '';
  for (const { name } of tables) await runtime.store.client.command({ query: `TRUNCATE TABLE IF EXISTS ${name}${onCluster}` });
}

/**
 * Makes the store ready to serve: fills an empty one, reloads a half-filled synthetic district,
 * leaves a whole one (or one filled by other means) as it is. Says what it did.
 */
export async function prepareStore(runtime: Runtime, options: { seed: number; scale: number; until?: string }, say: (line: string) => void = (l) => console.error(l)): Promise<'loaded' | 'reloaded' | 'kept'> {
  const [row] = await queryRows<{ n: string }>(runtime.store.client, 'SELECT count() AS n FROM events');
  const events = Number(row?.n ?? 0);
  const load = await loadState(runtime.store.client, SYNTHETIC_LOAD);
  if (events === 0 && load?.state !== 'started') {
    await loadSyntheticDistrict(runtime, options);
    return 'loaded';
  }
  if (load?.state === 'started') {
    say(
      `store at ${runtime.config.dataDir} holds a synthetic district whose load did not finish (${events.toLocaleString('en')} events, no completion mark: ` +
        'an interrupted start?): its figures would lack events or population. Dropping it and loading it again.',
    );
    await emptyStore(runtime);
    await loadSyntheticDistrict(runtime, options);
    return 'reloaded';
  }
  say(`store at ${runtime.config.dataDir} holds ${events.toLocaleString('en')} events: serving them (delete the folder to start afresh)`);
  return 'kept';
}

const help: CommandHelp = {
  usage: 'hap start [--scale N] [--seed N]   (what `npm start` runs)',
  summary:
    'The whole pipeline on the embedded store: an empty store is filled with a synthetic district through the ingest pipeline,\n' +
    'then the API and the dashboard serve on http://HAP_HOST:HAP_PORT. A later start serves what is stored.',
  options: {
    scale: { type: 'string', value: 'N', description: 'size of the synthetic district (1 ≈ 420,000 residents, ~1.8 M events)', default: '1' },
    seed: { type: 'string', value: 'N', description: 'the same seed gives the same district', default: '20261125' },
  },
};

async function run(args: string[]): Promise<number> {
  const started = Date.now();
  const { values } = parseCommandArgs('start', help, args);
  const scale = numberOption('start', 'scale', values.scale ?? '1', { positive: true });
  const seed = numberOption('start', 'seed', values.seed ?? '20261125', { integer: true });
  const runtime = await openRuntime(loadConfig(process.env));
  try {
    await prepareStore(runtime, { seed, scale });
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

export const startCommand = { help, run };
