// The quality worklist: every kind of ISSUE_KINDS in one query, located by the person's latest
// residence, filtered, paginated, masked. Counts per kind come with every page.
import type { ClickHouseClient } from '@clickhouse/client';
import { FIELD_LABELS } from '../metrics/completeness.js';
import type { EvaluationPeriod } from '../metrics/evaluation-period.js';
import { indicatorParameter } from '../metrics/compile.js';
import { periodParams } from '../metrics/evaluate.js';
import type { Indicator } from '../metrics/indicator-schema.js';
import { inRegion, personSubject } from '../metrics/subjects.js';
import type { Division } from '../reference/divisions.js';
import { institutionsServing, type ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { MASKED_PEOPLE } from './masked-people.js';
import { fieldBit } from '../transform/archive-fields.js';
import { ISSUE_KINDS } from './issue-kinds.js';

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

function issuesSql(): string {
  const union = ISSUE_KINDS.map(
    (k) => `SELECT '${k.kind}' AS kind, person_key, institution_code, division_code, archive_no, detail, CAST(on_date AS Nullable(Date32)) AS on_date FROM (${k.sql})`,
  ).join('\nUNION ALL\n');
  return `${personSubject.sql},
issues AS (
${union}
),
${MASKED_PEOPLE},
located AS (
  SELECT i.kind AS kind, i.person_key AS person_key, i.institution_code AS institution_code,
    if(b.division_code != '', b.division_code, i.division_code) AS division_code, i.archive_no AS archive_no, i.detail AS detail, i.on_date AS on_date
  FROM issues AS i LEFT JOIN (SELECT person_key, division_code FROM subject) AS b ON b.person_key = i.person_key
),
listed AS (
  SELECT l.*, p.id_masked AS id_masked, p.name_masked AS name_masked
  FROM located AS l LEFT JOIN people AS p ON p.person_key = l.person_key
  WHERE (if(l.person_key = '', has({region_institutions:Array(String)}, l.institution_code), ${inRegion('l.division_code')}))
    AND (empty({institution:String}) OR l.institution_code = {institution:String})
)`;
}

export async function listIssues(client: ClickHouseClient, reference: ReferenceData, catalogue: readonly Indicator[], q: IssueQuery): Promise<{ total: number; counts_by_kind: Record<string, number>; rows: IssueRow[] }> {
  const fields = Object.keys(FIELD_LABELS);
  const params = {
    ...periodParams(q.period, q.region.code, reference),
    field_names: fields.map((f) => `${FIELD_LABELS[f]}(${f})`),
    field_bits: fields.map(fieldBit),
    min_chronic_age: indicatorParameter(catalogue, 'hypertension_standard_management', 'min_patient_age'),
    elderly_age: indicatorParameter(catalogue, 'elderly_health_management', 'elderly_age'),
    stale_days: q.staleDays,
    region_institutions: institutionsServing(reference, q.region.code).map((i) => i.code),
    institution: q.institution ?? '',
    kinds: q.kinds,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  };
  const sql = issuesSql();
  const counts = await queryRows<{ kind: string; n: string }>(client, `${sql} SELECT kind, count() AS n FROM listed GROUP BY kind`, params);
  const rows = await queryRows<Omit<IssueRow, 'label_zh'>>(
    client,
    `${sql} SELECT kind, id_masked, name_masked, institution_code, division_code, archive_no, detail, on_date FROM listed
     WHERE empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind)
     ORDER BY kind, on_date NULLS LAST, division_code, id_masked LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    params,
  );
  const countsByKind = Object.fromEntries(ISSUE_KINDS.map((k) => [k.kind, Number(counts.find((c) => c.kind === k.kind)?.n ?? 0)]));
  const total = q.kinds.length === 0 ? Object.values(countsByKind).reduce((s, n) => s + n, 0) : q.kinds.reduce((s, k) => s + (countsByKind[k] ?? 0), 0);
  return { total, counts_by_kind: countsByKind, rows: rows.map((r) => ({ ...r, label_zh: LABELS.get(r.kind) ?? r.kind })) };
}
