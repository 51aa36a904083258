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
import { ISSUE_KINDS, type IssueKind } from './issue-kinds.js';
import { ISSUE_STATE_TABLE, issueParams, personIssuesSql } from './issue-state.js';
import { pageWindow } from './page-window.js';

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
const PERSON_KINDS = ISSUE_KINDS.filter((k) => k.scope === undefined);

/** Which rows a statement needs: the kinds asked for (a page) or every kind (the counts). */
interface Selection {
  /** the counts per kind (every kind, only `kind` is read) rather than a page of the kinds asked for (`{kinds:Array(String)}`, empty: every kind) */
  counts: boolean;
  /** person-level kinds are wanted */
  people: boolean;
  /** institution- and event-level kinds wanted */
  institutionKinds: readonly IssueKind[];
}

const INSTITUTION_FILTER = (column: string) => `(empty({institution:String}) OR ${column} = {institution:String})`;
const KIND_FILTER = (column: string) => `(empty({kinds:Array(String)}) OR has({kinds:Array(String)}, ${column}))`;

/** The person-level issues, filtered: every kind's `kind` alone for the counts, whole rows of the kinds asked for a page. */
function personBranch(source: 'log' | 'state', counts: boolean): string {
  if (source === 'log') {
    const keep = [inRegion('l.division_code'), INSTITUTION_FILTER('l.institution_code'), ...(counts ? [] : [KIND_FILTER('l.kind')])].join(' AND ');
    if (counts) return `SELECT l.kind AS kind FROM located AS l WHERE ${keep}`;
    return `SELECT l.kind AS kind, l.person_key AS person_key, l.institution_code AS institution_code, l.division_code AS division_code, l.archive_no AS archive_no,
    l.detail AS detail, l.on_date AS on_date, p.id_masked AS id_masked, p.name_masked AS name_masked
  FROM located AS l LEFT JOIN people AS p ON p.person_key = l.person_key
  WHERE ${keep}`;
  }
  // The kept rows, filtered inside their arrays (arrayFilter) before ARRAY JOIN: with the same
  // filter after it, a page of one kind took 200–500 ms instead of 30–60 (measured at scale 1 on chDB 26).
  if (counts) {
    // Only the kind, region and institution of each issue: their subcolumns, not the details.
    return `SELECT k AS kind FROM (SELECT arrayFilter((k, d, ic) -> ${inRegion('d')} AND ${INSTITUTION_FILTER('ic')}, issues.kind, issues.division_code, issues.institution_code) AS kept
    FROM ${ISSUE_STATE_TABLE} FINAL WHERE year = {year:UInt16}) ARRAY JOIN kept AS k`;
  }
  const keep = [inRegion('i.division_code'), INSTITUTION_FILTER('i.institution_code'), KIND_FILTER('i.kind')].join(' AND ');
  return `SELECT i.kind AS kind, s.person_key AS person_key, i.institution_code AS institution_code, i.division_code AS division_code, i.archive_no AS archive_no,
    i.detail AS detail, i.on_date AS on_date, s.id_masked AS id_masked, s.name_masked AS name_masked
  FROM (SELECT person_key, id_masked, name_masked, arrayFilter(i -> ${keep}, issues) AS kept FROM ${ISSUE_STATE_TABLE} FINAL WHERE year = {year:UInt16}) AS s ARRAY JOIN s.kept AS i`;
}

/** An institution- or event-level kind, read from the log and listed by the institution's region. */
function institutionBranch(k: IssueKind, counts: boolean): string {
  const columns = counts
    ? `'${k.kind}' AS kind`
    : `'${k.kind}' AS kind, '' AS person_key, institution_code, '' AS division_code, archive_no, detail, CAST(on_date AS Nullable(Date32)) AS on_date, '' AS id_masked, '' AS name_masked`;
  return `SELECT ${columns} FROM (${k.sql}) WHERE has({region_institutions:Array(String)}, institution_code) AND ${INSTITUTION_FILTER('institution_code')}`;
}

/** The worklist as the relation `listed`: the branches a statement needs, each filtered on its own. */
function issuesSql(source: 'log' | 'state', selection: Selection): string {
  const branches = [
    ...(selection.people ? [personBranch(source, selection.counts)] : []),
    ...selection.institutionKinds.map((k) => institutionBranch(k, selection.counts)),
  ];
  // The kept rows need none of the subjects' CTEs; the institution kinds read their tables themselves.
  const prefix = source === 'state' || !selection.people ? 'WITH' : `${personIssuesSql()},`;
  return `${prefix}
listed AS (
${branches.join('\nUNION ALL\n')}
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
  const counts = await queryRows<{ kind: string; n: string }>(
    client,
    `${issuesSql(source, { counts: true, people: true, institutionKinds: INSTITUTION_KINDS })} SELECT kind, count() AS n FROM listed GROUP BY kind`,
    params,
  );
  const countsByKind = Object.fromEntries(ISSUE_KINDS.map((k) => [k.kind, Number(counts.find((c) => c.kind === k.kind)?.n ?? 0)]));
  // Sorted by kind first, a page covers a run of consecutive kinds: it reads only their branches
  // and rows, from its offset within the first of them.
  const asked = ISSUE_KINDS.filter((k) => q.kinds.length === 0 || q.kinds.includes(k.kind));
  const window = pageWindow(new Map(asked.map((k) => [k.kind, countsByKind[k.kind] ?? 0])), params.offset, q.pageSize);
  const inWindow = (k: IssueKind) => window?.kinds.includes(k.kind) ?? false;
  const rows = window
    ? await queryRows<Omit<IssueRow, 'label_zh'>>(
        client,
        `${issuesSql(source, { counts: false, people: PERSON_KINDS.some(inWindow), institutionKinds: INSTITUTION_KINDS.filter(inWindow) })}
SELECT kind, person_key AS person_ref, id_masked, name_masked, institution_code, division_code, archive_no, detail, on_date FROM listed
ORDER BY kind, on_date NULLS LAST, division_code, id_masked LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
        { ...params, kinds: window.kinds, offset: window.offset },
      )
    : [];
  const total = q.kinds.length === 0 ? Object.values(countsByKind).reduce((s, n) => s + n, 0) : q.kinds.reduce((s, k) => s + (countsByKind[k] ?? 0), 0);
  // Details quote event ids and archive numbers as sent: rows stored before they were masked at
  // ingest must not show an ID number either.
  return {
    total,
    counts_by_kind: countsByKind,
    rows: rows.map((r) => ({ ...r, archive_no: redactFreeText(r.archive_no), detail: redactFreeText(r.detail), label_zh: LABELS.get(r.kind) ?? r.kind })),
  };
}
