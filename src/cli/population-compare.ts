// Pure: what a population import would change, per street/town. Figures come at community or
// street/town level; a street/town without its own figure is the sum of its communities (as the
// indicators read them), so the comparison is made where both imports can be compared.
import type { PopulationRow } from '../store/population-store.js';

/** A change larger than this share of the stored figure needs `--replace`. */
export const REPLACE_THRESHOLD = 0.2;

export interface StreetChange {
  street: string;
  group: string;
  before: number;
  after: number;
  /** (after − before) / before; null when nothing was stored before */
  change: number | null;
}

/** Totals per street/town and group: its own figure, else the sum of its communities. */
export function streetTotals(rows: readonly PopulationRow[]): Map<string, number> {
  const own = new Map<string, number>();
  const summed = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.division_code.slice(0, 9)}|${r.group}`;
    const target = r.division_code.length === 9 ? own : summed;
    target.set(key, (target.get(key) ?? 0) + r.count);
  }
  for (const [key, count] of summed) if (!own.has(key)) own.set(key, count);
  return own;
}

export function comparePopulation(before: readonly PopulationRow[], after: readonly PopulationRow[]): StreetChange[] {
  const b = streetTotals(before);
  const a = streetTotals(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  return keys.map((key) => {
    const [street, group] = key.split('|') as [string, string];
    const was = b.get(key) ?? 0;
    const now = a.get(key) ?? 0;
    return { street, group, before: was, after: now, change: was === 0 ? null : (now - was) / was };
  });
}

/** Changes past the threshold (a figure that disappears is a change of −100 %). */
export function largeChanges(changes: readonly StreetChange[]): StreetChange[] {
  return changes.filter((c) => c.change !== null && Math.abs(c.change) > REPLACE_THRESHOLD);
}

function percent(change: number | null): string {
  if (change === null) return 'new';
  const p = Math.round(change * 1000) / 10;
  return `${p > 0 ? '+' : ''}${p} %`;
}

/** The per-street table people read: resident totals of every street, and every large change. */
export function comparisonLines(changes: readonly StreetChange[], nameOf: (code: string) => string): string[] {
  const large = new Set(largeChanges(changes));
  const shown = changes.filter((c) => c.group === 'resident_total' || large.has(c));
  const rows = shown.map((c) => [`${c.street} ${nameOf(c.street)}`, c.group, c.before.toLocaleString('en'), c.after.toLocaleString('en'), percent(c.change), large.has(c) ? '  ← more than 20 %' : '']);
  const header = ['street/town 街道/乡镇', 'group', 'before', 'after', 'change', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const total = (which: 'before' | 'after') => changes.filter((c) => c.group === 'resident_total').reduce((s, c) => s + c[which], 0);
  return [line(header), ...rows.map(line), `county resident_total: ${total('before').toLocaleString('en')} → ${total('after').toLocaleString('en')}`];
}
