// The quality worklist: every kind of ISSUE_KINDS in one query, located by the person's latest
// residence, filtered, paginated, masked. Counts per kind come with every page.
import type { ClickHouseClient } from '@clickhouse/client';
import type { EvaluationPeriod } from '../metrics/evaluation-period.js';
import { periodParams, type StateStatus, sourceFor } from '../metrics/evaluate.js';
import type { Indicator } from '../metrics/indicator-schema.js';
import { inRegion } from '../metrics/subjects.js';
import type { Division } from '../reference/divisions.js';
import { institutionsServing, type ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { redactFreeText } from '../transform/redact.js';
import { ISSUE_KINDS } from './issue-kinds.js';
import { ISSUE_STATE_TABLE, issueParams, personIssuesSql } from './issue-state.js';

export interface IssueQuery {
  period: EvaluationPeriod;
  region: Division;
  institution?: string;
  kinds: string[];
  page: number;
  pageSize: number;
  /** days without events after which an institution is listed as silent */
  staleDays: number;
}

export interface IssueRow {
  /** the person's pseudonymous key ('' for an institution-level issue): what a permitted reveal is asked for */
  person_ref: string;
  kind: string;
  label_zh: string;
  id_masked: string;
  name_masked: string;
  institution_code: string;
  division_code: string;
  archive_no: string;
  detail: string;
  on_date: string | null;
}

const LABELS = new Map(ISSUE_KINDS.map((k) => [k.kind, k.label_zh]));

// Kinds read from the log at read time (both sources), listed by the institution's region.
const INSTITUTION_KINDS = ISSUE_KINDS.filter((k) => k.scope !== undefined);

/** The worklist as the relation `listed`: person issues from the log or the kept rows, institution issues from the log. */
function issuesSql(source: 'log' | 'state'): string {
  const institutionIssues = INSTITUTION_KINDS.map(
    (k) => `SELECT '${k.kind}' AS kind, '' AS person_key, institution_code, '' AS division_code, archive_no, detail, CAST(on_date AS Nullable(Date32)) AS on_date, '' AS id_masked, '' AS name_masked FROM (${k.sql})`,
  ).join('\nUNION ALL\n');
  const personIssues =
    source === 'state'
      ? `SELECT i.kind AS kind, s.person_key AS person_key, i.institution_code AS institution_code, i.division_code AS division_code, i.archive_no AS archive_no,
    i.detail AS detail, i.on_date AS on_date, s.id_masked AS id_masked, s.name_masked AS name_masked
  FROM (SELECT person_key, id_masked, name_masked, issues FROM ${ISSUE_STATE_TABLE} FINAL WHERE year = {year:UInt16}) AS s ARRAY JOIN s.issues AS i`
      : `SELECT l.kind AS kind, l.person_key AS person_key, l.institution_code AS institution_code, l.division_code AS division_code, l.archive_no AS archive_no,
    l.detail AS detail, l.on_date AS on_date, p.id_masked AS id_masked, p.name_masked AS name_masked
  FROM located AS l LEFT JOIN people AS p ON p.person_key = l.person_key`;
  // The kept rows need none of the subjects' CTEs; the institution kind reads `events` itself.
  const prefix = source === 'state' ? 'WITH' : `${personIssuesSql()},`;
  return `${prefix}
all_issues AS (
${personIssues}
UNION ALL
${institutionIssues}
),
listed AS (
  SELECT * FROM all_issues
  WHERE (if(person_key = '', has({region_institutions:Array(String)}, institution_code), ${inRegion('division_code')}))
    AND (empty({institution:String}) OR institution_code = {institution:String})
)`;
}

export async function listIssues(
  client: ClickHouseClient,
  reference: ReferenceData,
  catalogue: readonly Indicator[],
  q: IssueQuery & { state?: StateStatus },
): Promise<{ total: number; counts_by_kind: Record<string, number>; rows: IssueRow[] }> {
  const source = await sourceFor(q.state, q.period, 'issues');
  const params = {
    ...periodParams(q.period, q.region.code, reference),
    ...issueParams(catalogue),
    stale_days: q.staleDays,
    region_institutions: institutionsServing(reference, q.region.code).map((i) => i.code),
    institution: q.institution ?? '',
    kinds: q.kinds,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  };
  const sql = issuesSql(source);
  const counts = await queryRows<{ kind: string; n: string }>(client, `${sql} SELECT kind, count() AS n FROM listed GROUP BY kind`, params);
  const rows = await queryRows<Omit<IssueRow, 'label_zh'>>(
    client,
    `${sql} SELECT kind, person_key AS person_ref, id_masked, name_masked, institution_code, division_code, archive_no, detail, on_date FROM listed
     WHERE empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind)
     ORDER BY kind, on_date NULLS LAST, division_code, id_masked LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    params,
  );
  const countsByKind = Object.fromEntries(ISSUE_KINDS.map((k) => [k.kind, Number(counts.find((c) => c.kind === k.kind)?.n ?? 0)]));
  const total = q.kinds.length === 0 ? Object.values(countsByKind).reduce((s, n) => s + n, 0) : q.kinds.reduce((s, k) => s + (countsByKind[k] ?? 0), 0);
  // Details quote event ids and archive numbers as sent: rows stored before they were masked at
  // ingest must not show an ID number either.
  return {
    total,
    counts_by_kind: countsByKind,
    rows: rows.map((r) => ({ ...r, archive_no: redactFreeText(r.archive_no), detail: redactFreeText(r.detail), label_zh: LABELS.get(r.kind) ?? r.kind })),
  };
}
