import { test } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { generateDistrict } from '../../src/synthetic/generate-district.js';
import { normaliseBatch } from '../../src/ingest/pipeline.js';
import { openTestRuntime } from '../integration/bootstrap.js';
import { insertEvents } from '../../src/store/event-writer.js';
import { archiveEventSchema } from '../../src/transform/event-schema.js';
test('prof', async () => {
  const reference = loadReferenceData('500104');
  const d = generateDistrict({ county: '500104', reference, seed: 1, scale: 0.05, firstYear: 2024, until: '2026-11-25' });
  const evs: unknown[] = []; for (const e of d.events()) { evs.push(e); if (evs.length >= 40000) break; }
  const rec = evs.map((value, i) => ({ kind: 'parsed' as const, value, source: `s:${i}` }));
  let t = Date.now();
  for (const e of evs) archiveEventSchema.safeParse(e);
  console.log('zod only', Date.now() - t);
  t = Date.now();
  const out = normaliseBatch(rec, { reference, pseudonymKey: Buffer.from('k'.repeat(40)) }, Date.now());
  console.log('normalise', Date.now() - t, out.rows.length);
  const rt = await openTestRuntime('prof');
  t = Date.now();
  await insertEvents(rt.store.client, out.rows.slice(0, 20000));
  console.log('insert 20k', Date.now() - t);
  t = Date.now();
  const s = JSON.stringify(out.rows.slice(0, 20000));
  console.log('stringify 20k', Date.now() - t, s.length);
  await rt.close();
});
