import { type Config, loadConfig } from '../../config/config.js';
import { readEventFile } from '../../ingest/file-source.js';
import { ingestBatches } from '../../ingest/ingest-stream.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import { StoreLockedError } from '../../store/clickhouse.js';
import { type ApiTarget, sendsThroughServer, serverTarget, storeHeldMessage } from '../api-client.js';
import { type CommandHelp, existingFile, parseCommandArgs } from '../cli-args.js';
import { Progress } from '../progress.js';
import { sendEventFile } from '../send-events.js';

/** Events per POST /v1/events: under the server's default HAP_MAX_EVENTS_PER_REQUEST (10,000). */
const EVENTS_PER_REQUEST = 5_000;

const help: CommandHelp = {
  usage: 'hap import FILE…',
  summary: 'Ingests event files through the one pipeline (validation, pseudonyms, rejections with file and line).\nFILE: NDJSON (one event a line), a .json array, or .csv with flattened columns (person.id_number, …).',
  positionals: { min: 1, name: 'one or more event files (NDJSON, .json array or .csv)' },
  notes:
    'Beside a running server (it holds the embedded store): HAP_API_URL=http://HOST:PORT HAP_API_TOKEN=<operator or submitter token> sends the\n' +
    'files through its POST /v1/events in batches of 5,000 (a CSV file in one request); HAP_API_TOKEN alone sends to HAP_HOST:HAP_PORT when the store is held.',
};

async function importIntoStore(runtime: Runtime, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const progress = new Progress(`import ${file}`);
    const totals = await ingestBatches(readEventFile(file, runtime.config.insertBatchRows), runtime.pipeline, (t) => progress.update(t.accepted + t.rejected, `${t.rejected} rejected`));
    const reasons = Object.entries(totals.rejectedByReason).map(([k, v]) => `${k} ${v}`).join(', ');
    progress.finish(totals.accepted + totals.rejected, `${totals.accepted} accepted, ${totals.rejected} rejected${reasons ? ` (${reasons})` : ''}${totals.conflicts ? `, ${totals.conflicts} event ids sent again with another content (GET /v1/quality/issues?kind=event_id_conflict)` : ''}`);
  }
}

async function importThroughServer(target: ApiTarget, files: readonly string[]): Promise<number> {
  for (const file of files) {
    const progress = new Progress(`import ${file} → ${target.url}`);
    const sent = await sendEventFile(target, file, EVENTS_PER_REQUEST, (t) => progress.update(t.accepted + t.rejected, `${t.rejected} rejected`));
    const t = sent.totals;
    const reasons = Object.entries(t.rejectedByReason).map(([k, v]) => `${k} ${v}`).join(', ');
    progress.finish(t.accepted + t.rejected, `${t.accepted} accepted, ${t.rejected} rejected${reasons ? ` (${reasons})` : ''}${t.conflicts ? `, ${t.conflicts} event ids sent again with another content` : ''}`);
    for (const line of t.firstRejected) console.error(`  rejected ${file} ${line}`);
    if (!sent.ok) {
      console.error(`hap import: ${sent.problem}`);
      return 1;
    }
  }
  return 0;
}

async function run(args: string[]): Promise<number> {
  const files = parseCommandArgs('import', help, args).positionals;
  for (const file of files) existingFile('import', file);
  const config: Config = loadConfig(process.env);
  if (sendsThroughServer(config)) return importThroughServer(serverTarget(config), files);
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    // A token says the user means to go through the server; without one, say how in one line.
    if (config.api.token) return importThroughServer(serverTarget(config), files);
    console.error(storeHeldMessage('import', error.path, 'import FILE…'));
    return 1;
  }
  try {
    await importIntoStore(runtime, files);
    return 0;
  } finally {
    await runtime.close();
  }
}

export const importCommand = { help, run };
