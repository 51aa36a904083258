// A worklist page sorted by kind first covers a run of consecutive kinds: with the counts per kind
// known, the page reads only the rows of those kinds, from an offset within the first of them,
// instead of sorting every issue of every kind to skip to its place.

export interface PageWindow {
  /** the kinds whose rows the page shows, in order */
  kinds: string[];
  /** rows to skip within those kinds, sorted as the full list is */
  offset: number;
}

/** Byte order of ASCII identifiers, as ClickHouse sorts a String column. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The kinds (of those asked for, with their counts) a page of `limit` rows from `offset` covers,
 * or null when the page lies past the last row.
 */
export function pageWindow(counts: ReadonlyMap<string, number>, offset: number, limit: number): PageWindow | null {
  const kinds: string[] = [];
  let before = 0;
  let skipped = 0;
  for (const kind of [...counts.keys()].sort(byBytes)) {
    const n = counts.get(kind) ?? 0;
    const start = before;
    before += n;
    if (n === 0 || before <= offset) {
      if (kinds.length === 0) skipped = before;
      continue;
    }
    if (start >= offset + limit) break;
    kinds.push(kind);
  }
  return kinds.length === 0 ? null : { kinds, offset: offset - skipped };
}
