import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { generateDistrict } from '../../src/synthetic/generate-district.js';
import { writeSyntheticFiles } from '../../src/synthetic/write-files.js';
import { normaliseEvent } from '../../src/transform/normalise-event.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hap-synthetic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeSyntheticFiles', () => {
  it('writes one event per line and the population as CSV', async () => {
    const reference = loadReferenceData('500104');
    const district = generateDistrict({ county: '500104', reference, seed: 1, scale: 0.003, firstYear: 2024, until: '2025-06-30' });
    const written = await writeSyntheticFiles(district, join(dir, 'dadukou'));
    const lines = (await readFile(written.eventsFile, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(written.events);
    expect(lines.map((line) => JSON.parse(line))).toEqual([...district.events()]);

    const csv = (await readFile(written.populationFile, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('year,division_code,group,count');
    expect(csv).toHaveLength(district.population.length + 1);
    expect(csv[1]).toMatch(/^2024,500104\d{6},resident_total,\d+$/);
  });
});

describe('generateDistrict for another county', () => {
  it('works wherever the reference data knows the divisions and an institution', async () => {
    // 渝中区 has no built-in institutions: a district adds its own, as HAP_INSTITUTIONS_FILE would.
    const file = join(dir, 'institutions.json');
    const streets = loadReferenceData('500103').childrenOf('500103').map((s) => s.code);
    await writeFile(file, JSON.stringify({ institutions: [{ code: 'H500103001', name: '测试社区卫生服务中心', county: '500103', serves: streets.slice(0, 3) }] }));
    const reference = loadReferenceData('500103', [file]);
    const district = generateDistrict({ county: '500103', reference, seed: 3, scale: 0.003, firstYear: 2025, until: '2025-12-31' });
    const ctx = { reference, pseudonymKey: Buffer.from('k'), receivedAt: Date.parse('2026-01-01T00:00:00+08:00'), source: 'test' };
    let accepted = 0;
    for (const event of district.events()) {
      const result = normaliseEvent(event, ctx);
      if (result.ok) {
        accepted++;
        expect(result.row.institution_code).toBe('H500103001');
      } else {
        expect(result.reasons.every((r) => r.code.startsWith('id_'))).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(500);
    expect(district.population.every((row) => row.division_code.startsWith('500103') && row.year === 2025)).toBe(true);
  });

  it('says what is missing when the county has no institution at all', () => {
    const reference = loadReferenceData('500103');
    expect(() => generateDistrict({ county: '500103', reference, seed: 3, scale: 0.003, firstYear: 2025, until: '2025-12-31' })).toThrow(/no institution/);
  });
});
