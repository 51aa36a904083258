// An interrupted `npm start` must not be served as if whole: the next start sees the load
// marked started and not complete, says so, and loads the district again.
import { describe, expect, it } from 'vitest';
import { prepareStore, SYNTHETIC_LOAD } from '../../src/cli/commands/start.js';
import { batchesOf, ingestBatches } from '../../src/ingest/ingest-stream.js';
import { markLoad } from '../../src/store/load-markers.js';
import { generateDistrict } from '../../src/synthetic/generate-district.js';
import { openTestRuntime } from './bootstrap.js';
import { countOf } from './kafka-helpers.js';

const OPTIONS = { seed: 7, scale: 0.004, until: '2025-06-30' };

describe('npm start after an interrupted start', () => {
  it('detects the half-filled synthetic district, says so and loads it whole', { timeout: 300_000 }, async () => {
    const runtime = await openTestRuntime('it_start_partial');
    const client = runtime.store.client;
    try {
      await client.command({ query: 'TRUNCATE TABLE IF EXISTS load_markers' });
      // What an interrupted start leaves: the load marked started, a part of the events, no population.
      await markLoad(client, SYNTHETIC_LOAD, 'started');
      const district = generateDistrict({ county: runtime.config.region, reference: runtime.reference, seed: OPTIONS.seed, scale: OPTIONS.scale, firstYear: 2024, until: OPTIONS.until });
      const firstPart = [...district.events()].slice(0, 1000);
      await ingestBatches(batchesOf(firstPart, 500, (i) => `synthetic:${i + 1}`), runtime.pipeline, () => {});
      expect(await countOf(client, 'SELECT count() AS n FROM events')).toBeGreaterThan(0);
      expect(await countOf(client, 'SELECT count() AS n FROM population')).toBe(0);

      const said: string[] = [];
      expect(await prepareStore(runtime, OPTIONS, (l) => said.push(l))).toBe('reloaded');
      expect(said.join('\n')).toContain('did not finish');
      const events = await countOf(client, 'SELECT count() AS n FROM events FINAL');
      expect(events).toBeGreaterThan(firstPart.length);
      expect(await countOf(client, 'SELECT count() AS n FROM population')).toBe(district.population.length);
      // The store is now whole: a further start keeps it.
      expect(await prepareStore(runtime, OPTIONS, (l) => said.push(l))).toBe('kept');
      expect(await countOf(client, 'SELECT count() AS n FROM events FINAL')).toBe(events);
    } finally {
      await runtime.close();
    }
  });

  it('serves a store filled by other means (no load marker) as it is', async () => {
    const runtime = await openTestRuntime('it_start_other');
    try {
      await runtime.store.client.command({ query: 'TRUNCATE TABLE IF EXISTS load_markers' });
      const district = generateDistrict({ county: runtime.config.region, reference: runtime.reference, seed: 1, scale: 0.001, firstYear: 2024, until: '2024-12-31' });
      await ingestBatches(batchesOf([...district.events()].slice(0, 200), 200, (i) => `file:${i + 1}`), runtime.pipeline, () => {});
      const before = await countOf(runtime.store.client, 'SELECT count() AS n FROM events');
      expect(await prepareStore(runtime, OPTIONS, () => {})).toBe('kept');
      expect(await countOf(runtime.store.client, 'SELECT count() AS n FROM events')).toBe(before);
    } finally {
      await runtime.close();
    }
  });
});
