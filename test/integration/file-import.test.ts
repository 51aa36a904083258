// `hap import`'s path: NDJSON, JSON array and CSV files through the one pipeline, with file:line positions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/file-source.js';
import { ingestBatches } from '../../src/ingest/ingest-stream.js';
import type { Runtime } from '../../src/runtime.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf } from './kafka-helpers.js';

let runtime: Runtime;
const dir = mkdtempSync(join(tmpdir(), 'hap-import-'));

beforeAll(async () => {
  runtime = await openTestRuntime('it_file_import');
});
afterAll(async () => {
  await runtime?.close();
});

describe('file import', () => {
  it('streams NDJSON in batches, keeping a bad line as a rejection with its line number', async () => {
    const events = bulkEvents(30, 'nd');
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(100, 0, '{"event_id": "cut off');
    writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const totals = await ingestBatches(readEventFile(join(dir, 'events.ndjson'), 64), runtime.pipeline);
    expect(totals).toMatchObject({ accepted: events.length, rejected: 1, rejectedByReason: { json_invalid: 1 } });
    const [row] = await runtime.store.client.query({ query: 'SELECT source FROM rejections FINAL', format: 'JSONEachRow' }).then((r) => r.json<{ source: string }>());
    expect(row?.source).toBe('events.ndjson:101');
  });

  it('reads a JSON array and a CSV with flattened columns', async () => {
    const [a, b] = bulkEvents(1, 'arr');
    writeFileSync(join(dir, 'events.json'), JSON.stringify([a, b]));
    const csv = [
      'event_id,type,schema_version,occurred_at,institution_code,person.id_number,person.name,data.kind,data.served_on',
      'csv-1,service.recorded,1,2025-06-01,H500104001,11010519491231002X,张三,consultation,2025/06/01',
      'csv-2,service.recorded,1,2025-06-02,H500104001,11010519491231002x,张三,referral,20250602',
    ].join('\n');
    writeFileSync(join(dir, 'events.csv'), csv);
    const before = await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL');
    expect((await ingestBatches(readEventFile(join(dir, 'events.json'), 10), runtime.pipeline)).accepted).toBe(2);
    expect((await ingestBatches(readEventFile(join(dir, 'events.csv'), 10), runtime.pipeline)).accepted).toBe(2);
    expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM events FINAL')).toBe(before + 4);
    // Both CSV rows are one person (the lower-case x normalises away).
    expect(await countOf(runtime.store.client, "SELECT uniqExact(person_key) AS n FROM events FINAL WHERE startsWith(event_id, 'csv-')")).toBe(1);
  });
});
