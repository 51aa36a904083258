// Event files for `hap import`: NDJSON is streamed in batches (files can be large); JSON
// arrays and CSV are read whole. Sources are `file:line` (or `file#index` for arrays).
import { createReadStream, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { redactFreeText } from '../transform/redact.js';
import { eventsFromCsv, eventsFromJsonText, eventsFromNdjson } from './event-text.js';
import type { ReceivedEvent } from './pipeline.js';

export type FileFormat = 'ndjson' | 'json' | 'csv';

export function detectFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return 'ndjson';
}

export async function* readEventFile(path: string, batchSize: number): AsyncGenerator<ReceivedEvent[]> {
  // The file name becomes every event's source: a name that carries an ID number is masked.
  const name = redactFreeText(basename(path));
  const format = detectFormat(path);
  if (format !== 'ndjson') {
    const text = readFileSync(path, 'utf8');
    const events = format === 'csv' ? eventsFromCsv(text, (line) => `${name}:${line}`) : eventsFromJsonText(text, (i) => `${name}#${i}`);
    for (let i = 0; i < events.length; i += batchSize) yield events.slice(i, i + batchSize);
    return;
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: string[] = [];
  let firstLine = 1;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    batch.push(line);
    if (batch.length >= batchSize) {
      yield eventsFromNdjson(batch.join('\n'), (l) => `${name}:${l}`, firstLine);
      batch = [];
      firstLine = lineNo + 1;
    }
  }
  if (batch.length > 0) yield eventsFromNdjson(batch.join('\n'), (l) => `${name}:${l}`, firstLine);
}
