import { loadConfig } from '../../config/config.js';
import { readEventFile } from '../../ingest/file-source.js';
import { ingestBatches } from '../../ingest/ingest-stream.js';
import { openRuntime } from '../../runtime.js';
import { Progress } from '../progress.js';

export async function importCommand(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error('hap import: name one or more files (NDJSON, .json array or .csv)');
    return 2;
  }
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
