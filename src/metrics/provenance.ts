// The provenance of an assessment: what it was computed from (definitions, parameters, the
// evaluation date and the receipt cut-off) and a SHA-256 of its figures. With it an assessment can
// be recomputed later from the event log — exact for any cut-off — and checked figure by figure.
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../store/clickhouse.js';
import { toDateTime64 } from '../store/clickhouse-values.js';
import type { Assessment, AssessmentLevel, Weights } from './assessment.js';
import { DEFINITIONS_VERSION } from './catalogue.js';
import type { EvaluationPeriod } from './evaluation-period.js';
import type { Indicator, ParameterValue } from './indicator-schema.js';

export interface ParametersInForce {
  /** each indicator's effective parameters and target, district overrides applied */
  indicators: Record<string, { target: number | null; parameters: Record<string, ParameterValue> }>;
  weights: Record<string, number>;
}

export interface Provenance {
  definitions_version: string;
  year: number;
  region: string;
  by: AssessmentLevel;
  evaluation_date: string;
  /** the as_of asked for, null when none was */
  as_of: string | null;
  /** the receipt cut-off used (ISO instant, inclusive): the end of the as_of day, or the instant of evaluation */
  received_before: string;
  /** distinct events (institution, event id) of the store received by the cut-off */
  events_counted: number;
  parameters: ParametersInForce;
  /** SHA-256 (hex) of canonicalJson(assessmentFigures(assessment)) */
  figures_sha256: string;
}

export interface FigureRow {
  code: string;
  numerator: number;
  denominator: number;
  score: number;
}

/** What the hash covers: every numerator, denominator and score, in the answer's order. */
export interface Figures {
  indicators: { id: string; rows: FigureRow[]; total: FigureRow }[];
  scores: { rows: { code: string; score: number }[]; total: { code: string; score: number } };
}

// Scores are sums of floating-point products: rounded so that a verifier in another language,
// summing in its own way, hashes the same text.
const roundScore = (score: number) => Math.round(score * 1e6) / 1e6;
const figureRow = (r: FigureRow): FigureRow => ({ code: r.code, numerator: r.numerator, denominator: r.denominator, score: roundScore(r.score) });

export function assessmentFigures(a: Figures): Figures {
  return {
    indicators: a.indicators.map((i) => ({ id: i.id, rows: i.rows.map(figureRow), total: figureRow(i.total) })),
    scores: {
      rows: a.scores.rows.map((g) => ({ code: g.code, score: roundScore(g.score) })),
      total: { code: a.scores.total.code, score: roundScore(a.scores.total.score) },
    },
  };
}

/** JSON with object keys sorted at every depth, arrays in order, no spaces. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function figuresSha256(figures: Figures): string {
  return createHash('sha256').update(canonicalJson(figures)).digest('hex');
}

export function parametersInForce(catalogue: readonly Indicator[], weights: Weights): ParametersInForce {
  return {
    indicators: Object.fromEntries(catalogue.map((i) => [i.id, { target: i.target, parameters: { ...i.parameters } }])),
    weights: Object.fromEntries(catalogue.map((i) => [i.id, weights.get(i.id) ?? 0])),
  };
}

/**
 * Distinct events received by the cut-off: what any figure of the period could have counted.
 * FINAL keeps one row per (institution_code, event_id), the first received (keep_rank), so an event
 * with some copy received by the cut-off is one kept row received by it: the count equals
 * uniqExact(institution_code, event_id) over the rows by the cut-off, at a fraction of its cost
 * (0.6 → 0.1 s on the default district: it delayed every assessment and its pages).
 */
export async function countEventsReceived(client: ClickHouseClient, receivedBefore: number): Promise<number> {
  // The store's version: its physical rows and its latest receipt (metadata and one column's
  // maximum: milliseconds). Every insert adds rows received later than all before it, so it moves
  // the latest receipt; a merge folding copies moves the row count (a recount, never a stale
  // answer). A cut-off at or past the latest receipt counts everything: while the version holds,
  // so does the last count of everything.
  const [version] = await queryRows<{ rows: string; last: string }>(client, 'SELECT count() AS rows, toString(toUnixTimestamp64Milli(max(received_at))) AS last FROM events');
  const key = `${version?.rows ?? 0}:${version?.last ?? 0}`;
  const everything = Number(version?.last ?? 0) <= receivedBefore;
  const cached = countedEverything.get(client);
  if (everything && cached?.key === key) return cached.n;
  const [row] = await queryRows<{ n: string }>(
    client,
    `SELECT count() AS n FROM events FINAL WHERE received_at <= {received_before:DateTime64(3, 'UTC')}`,
    { received_before: toDateTime64(receivedBefore) },
  );
  const n = Number(row?.n ?? 0);
  if (everything) countedEverything.set(client, { key, n });
  return n;
}

/** Per store: the count of everything at a version of the store (see countEventsReceived). */
const countedEverything = new WeakMap<ClickHouseClient, { key: string; n: number }>();

export function provenanceOf(
  assessment: Assessment,
  sources: { catalogue: readonly Indicator[]; weights: Weights; period: EvaluationPeriod; eventsCounted: number },
): Provenance {
  return {
    definitions_version: DEFINITIONS_VERSION,
    year: assessment.period.year,
    region: assessment.region.code,
    by: assessment.by,
    evaluation_date: sources.period.evalDate,
    as_of: sources.period.asOf,
    received_before: new Date(sources.period.receivedBefore).toISOString(),
    events_counted: sources.eventsCounted,
    parameters: parametersInForce(sources.catalogue, sources.weights),
    figures_sha256: figuresSha256(assessmentFigures(assessment)),
  };
}

export interface FigureDifference {
  figure: string;
  given: number | null;
  recomputed: number | null;
}

/** Every figure that differs, named `indicator.code.field` or `score.code`; a group only one side has counts as differing. */
export function compareFigures(given: Figures, recomputed: Figures): FigureDifference[] {
  const flatten = (f: Figures) => {
    const out = new Map<string, number>();
    for (const i of f.indicators) {
      for (const r of [...i.rows, { ...i.total, code: `${i.total.code}(total)` }]) {
        for (const field of ['numerator', 'denominator', 'score'] as const) out.set(`${i.id}.${r.code}.${field}`, r[field]);
      }
    }
    for (const g of f.scores.rows) out.set(`score.${g.code}`, g.score);
    out.set(`score.${f.scores.total.code}(total)`, f.scores.total.score);
    return out;
  };
  const a = flatten(given);
  const b = flatten(recomputed);
  const differences: FigureDifference[] = [];
  for (const figure of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(figure) ?? null;
    const y = b.get(figure) ?? null;
    if (x !== y) differences.push({ figure, given: x, recomputed: y });
  }
  return differences;
}

/** The provenance as key/value rows (CSV trailing block, XLSX sheet 出处); parameters as JSON text. */
export function provenanceRows(p: Provenance): [string, string][] {
  return [
    ['definitions_version', p.definitions_version],
    ['year', String(p.year)],
    ['region', p.region],
    ['by', p.by],
    ['evaluation_date', p.evaluation_date],
    ['as_of', p.as_of ?? ''],
    ['received_before', p.received_before],
    ['events_counted', String(p.events_counted)],
    ['parameters', JSON.stringify(p.parameters)],
    ['figures_sha256', p.figures_sha256],
  ];
}
