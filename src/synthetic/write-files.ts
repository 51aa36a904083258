// Writes a synthetic district to disk: events.ndjson (what `hap import` reads) and
// population.csv (what `hap population import` reads). Events are streamed in chunks with
// backpressure: at scale 1 the file is around a gigabyte and must never sit in memory whole.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { SyntheticDistrict } from './generate-district.js';

/** Flush to the stream every ~256 KB: large enough to amortise write calls, small enough to stream. */
const CHUNK_CHARS = 256 * 1024;

export async function writeSyntheticFiles(
  district: SyntheticDistrict,
  dir: string,
): Promise<{ eventsFile: string; populationFile: string; events: number }> {
  await mkdir(dir, { recursive: true });
  const eventsFile = join(dir, 'events.ndjson');
  const populationFile = join(dir, 'population.csv');

  const out = createWriteStream(eventsFile, { encoding: 'utf8' });
  // Without a listener an 'error' while we wait on 'drain' would crash the process instead of rejecting.
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  failed.catch(() => {});
  let events = 0;
  let chunk = '';
  try {
    for (const event of district.events()) {
      chunk += `${JSON.stringify(event)}\n`;
      events++;
      if (chunk.length >= CHUNK_CHARS) {
        const ok = out.write(chunk);
        chunk = '';
        if (!ok) await Promise.race([once(out, 'drain'), failed]);
      }
    }
    if (chunk.length > 0) out.write(chunk);
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    throw error;
  }

  const lines = ['year,division_code,group,count'];
  for (const row of district.population) lines.push(`${row.year},${row.division_code},${row.group},${row.count}`);
  await writeFile(populationFile, `${lines.join('\n')}\n`, 'utf8');
  return { eventsFile, populationFile, events };
}
