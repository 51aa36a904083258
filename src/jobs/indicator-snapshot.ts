// The nightly snapshot: every catalogue indicator for the year of the snapshot date, evaluated
// as of that date (what had happened and been received by the end of it), at each kept level.
// Because as_of fixes the inputs, a missed night is back-filled exactly and a re-run is a no-op.
import { evaluateIndicator } from '../metrics/evaluate.js';
import { evaluationPeriod, todayInBeijing } from '../metrics/evaluation-period.js';
import type { GroupLevel } from '../metrics/subjects.js';
import type { Runtime } from '../runtime.js';
import { lastSnapshotDate, type SnapshotRow, snapshotIndicatorsByDate, writeSnapshot } from '../store/snapshot-store.js';
import { SNAPSHOT_LEVELS, type SnapshotLevel } from './schedule-config.js';
import { catchUpWindow, datesBetween } from './snapshot-dates.js';

export type SnapshotRuntime = Pick<Runtime, 'store' | 'reference' | 'catalogue'>;

export interface SnapshotOptions {
  levels?: readonly SnapshotLevel[];
  /** the clock: snapshot dates must not be in the future */
  now?: number;
}

export interface SnapshotSummary {
  snapshot_date: string;
  indicators: number;
  rows: number;
  ms: number;
}

/** The groupings to evaluate for the kept levels; the county total comes with any of them. */
export function groupingsFor(levels: readonly SnapshotLevel[]): GroupLevel[] {
  const groupings = levels.filter((l): l is GroupLevel => l !== 'county');
  return groupings.length > 0 ? groupings : ['street'];
}

/**
 * Evaluates and stores one night. Sequential on purpose: at full scale it is ~50 queries of
 * about a second, and running them side by side would only compete with the API for memory.
 */
export async function takeSnapshot(runtime: SnapshotRuntime, snapshotDate: string, options: SnapshotOptions = {}): Promise<SnapshotSummary> {
  const started = Date.now();
  const now = options.now ?? started;
  const levels = options.levels ?? SNAPSHOT_LEVELS;
  const year = Number(snapshotDate.slice(0, 4));
  const period = evaluationPeriod(year, todayInBeijing(now), snapshotDate);
  if (!period.ok) throw new Error(`snapshot ${snapshotDate}: ${period.message}`);

  const { client } = runtime.store;
  const county = runtime.reference.county;
  const rows: SnapshotRow[] = [];
  for (const indicator of runtime.catalogue) {
    let totalKept = false;
    for (const by of groupingsFor(levels)) {
      const result = await evaluateIndicator(client, runtime.reference, indicator, { period: period.period, region: county, by });
      const base = { snapshot_date: snapshotDate, indicator: indicator.id, year };
      if (levels.includes(by)) {
        for (const r of result.rows) rows.push({ ...base, level: by, code: r.code, numerator: r.numerator, denominator: r.denominator });
      }
      if (!totalKept && levels.includes('county')) {
        rows.push({ ...base, level: 'county', code: county.code, numerator: result.total.numerator, denominator: result.total.denominator });
        totalKept = true;
      }
    }
  }
  await writeSnapshot(runtime.store, snapshotDate, rows, now);
  return { snapshot_date: snapshotDate, indicators: runtime.catalogue.length, rows: rows.length, ms: Date.now() - started };
}

/**
 * Takes every date of [from, to] that is missing or lacks an indicator of the catalogue (one
 * added since), oldest first. Returns what it took.
 */
export async function catchUp(runtime: SnapshotRuntime, fromDate: string, toDate: string, options: SnapshotOptions & { log?: (message: string) => void } = {}): Promise<SnapshotSummary[]> {
  const stored = await snapshotIndicatorsByDate(runtime.store.client, fromDate, toDate);
  const ids = runtime.catalogue.map((i) => i.id);
  const missing = datesBetween(fromDate, toDate).filter((d) => {
    const have = stored.get(d);
    return !have || ids.some((id) => !have.has(id));
  });
  const taken: SnapshotSummary[] = [];
  for (const date of missing) {
    const summary = await takeSnapshot(runtime, date, options);
    options.log?.(`指标快照 indicator snapshot ${date}: ${summary.indicators} indicators, ${summary.rows} rows in ${summary.ms} ms`);
    taken.push(summary);
  }
  return taken;
}

/**
 * What the nightly tick and the start-up catch-up both do: make sure every night since the last
 * stored snapshot, up to the last complete day, is taken (at most `catchUpDays` back).
 */
export async function snapshotMissedNights(
  runtime: SnapshotRuntime,
  options: { levels: readonly SnapshotLevel[]; catchUpDays: number; now: number; log?: (message: string) => void },
): Promise<SnapshotSummary[]> {
  const window = catchUpWindow(options.now, await lastSnapshotDate(runtime.store.client), options.catchUpDays);
  if (!window) return [];
  return catchUp(runtime, window.from, window.to, options);
}
