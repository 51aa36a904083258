import { describe, expect, it } from 'vitest';
import { pageWindow } from '../../src/quality/page-window.js';

// The full list, sorted by kind then by position within the kind: what a page of it shows.
function fullPage(counts: Map<string, number>, offset: number, limit: number): string[] {
  const all = [...counts.keys()].sort().flatMap((kind) => Array.from({ length: counts.get(kind)! }, (_, i) => `${kind}#${i}`));
  return all.slice(offset, offset + limit);
}

function windowPage(counts: Map<string, number>, offset: number, limit: number): string[] {
  const window = pageWindow(counts, offset, limit);
  if (!window) return [];
  return fullPage(new Map(window.kinds.map((k) => [k, counts.get(k)!])), window.offset, limit);
}

describe('pageWindow', () => {
  it('gives the rows of the full sort for every offset and limit', () => {
    const counts = new Map([
      ['no_dynamic_record', 7],
      ['archive_no_not_residence', 3],
      ['duplicate_archive', 0],
      ['institution_silent', 1],
      ['missing_basic_fields', 5],
    ]);
    for (const limit of [1, 2, 4, 50]) {
      for (let offset = 0; offset <= 18; offset++) expect(windowPage(counts, offset, limit), `offset ${offset}, limit ${limit}`).toEqual(fullPage(counts, offset, limit));
    }
  });

  it('reads only the kinds the page covers', () => {
    const counts = new Map([
      ['a', 10],
      ['b', 10],
      ['c', 10],
    ]);
    expect(pageWindow(counts, 0, 5)).toEqual({ kinds: ['a'], offset: 0 });
    expect(pageWindow(counts, 8, 5)).toEqual({ kinds: ['a', 'b'], offset: 8 });
    expect(pageWindow(counts, 12, 5)).toEqual({ kinds: ['b'], offset: 2 });
    expect(pageWindow(counts, 30, 5)).toBeNull();
  });
});
