import { loadConfig } from '../../config/config.js';
import { readEventFile } from '../../ingest/file-source.js';
import { ingestBatches } from '../../ingest/ingest-stream.js';
import { openRuntime } from '../../runtime.js';
import { type CommandHelp, existingFile, parseCommandArgs } from '../cli-args.js';
import { Progress } from '../progress.js';

const help: CommandHelp = {
  usage: 'hap import FILE…',
  summary: 'Ingests event files through the one pipeline (validation, pseudonyms, rejections with file and line).\nFILE: NDJSON (one event a line), a .json array, or .csv with flattened columns (person.id_number, …).',
  positionals: { min: 1, name: 'one or more event files (NDJSON, .json array or .csv)' },
};

async function run(args: string[]): Promise<number> {
  const files = parseCommandArgs('import', help, args).positionals;
  for (const file of files) existingFile('import', file);
  const runtime = await openRuntime(loadConfig(process.env));
  try {
    for (const file of files) {
      const progress = new Progress(`import ${file}`);
      const totals = await ingestBatches(readEventFile(file, runtime.config.insertBatchRows), runtime.pipeline, (t) =>
        progress.update(t.accepted + t.rejected, `${t.rejected} rejected`),
      );
      const reasons = Object.entries(totals.rejectedByReason).map(([k, v]) => `${k} ${v}`).join(', ');
      progress.finish(totals.accepted + totals.rejected, `${totals.accepted} accepted, ${totals.rejected} rejected${reasons ? ` (${reasons})` : ''}${totals.conflicts ? `, ${totals.conflicts} event ids sent again with another content (GET /v1/quality/issues?kind=event_id_conflict)` : ''}`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

export const importCommand = { help, run };
