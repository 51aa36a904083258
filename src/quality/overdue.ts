// People under management whose next follow-up is past due (GET /v1/followups/overdue): the
// next date the last follow-up set, or else the program's cadence after the last follow-up
// (or after enrolment when there was none). Masked.
import type { ClickHouseClient } from '@clickhouse/client';
import type { EvaluationPeriod } from '../metrics/evaluation-period.js';
import { periodParams, type StateStatus, sourceFor } from '../metrics/evaluate.js';
import { inRegion, patientSubject, STATE_TABLE_OF } from '../metrics/subjects.js';
import { ISSUE_STATE_TABLE } from './issue-state.js';
import type { Division } from '../reference/divisions.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Readable } from 'node:stream';
import { queryRows } from '../store/clickhouse.js';
import { type ColumnarFormat, queryColumnar } from '../store/columnar.js';
import { MASKED_PEOPLE } from './masked-people.js';
import type { Program } from '../transform/event-schema.js';

/**
 * Days between follow-ups when the record sets no next date (ours, after the 3rd-edition service
 * norms): hypertension, diabetes and SMD at least quarterly; TB monthly in the continuation phase;
 * maternal visits monthly; children about quarterly; the elderly yearly.
 */
export const FOLLOWUP_CADENCE_DAYS: Readonly<Record<Program, number>> = {
  hypertension: 90,
  diabetes: 90,
  severe_mental_disorder: 90,
  tuberculosis: 30,
  maternal: 30,
  child: 90,
  elderly: 365,
};

export interface OverdueRow {
  program: string;
  /** the person's pseudonymous key: what a permitted reveal is asked for */
  person_ref: string;
  id_masked: string;
  name_masked: string;
  institution_code: string;
  division_code: string;
  last_followup_on: string | null;
  due_on: string;
  days_overdue: number;
}

export interface OverdueQuery {
  period: EvaluationPeriod;
  region: Division;
  institution?: string;
  programs: Program[];
  state?: StateStatus;
}

/** The relation `overdue` (one row per person and program past due) and its parameters. */
async function overdueRelation(reference: ReferenceData, q: OverdueQuery): Promise<{ sql: string; params: Record<string, unknown> }> {
  const programs = q.programs.length > 0 ? q.programs : (Object.keys(FOLLOWUP_CADENCE_DAYS) as Program[]);
  const fromState = (await sourceFor(q.state, q.period, 'patient')) === 'state' && (await sourceFor(q.state, q.period, 'issues')) === 'state';
  // The kept patient rows and the masked identities kept with the worklist, or both from the log.
  const relations = fromState
    ? `WITH subject AS (SELECT * FROM ${STATE_TABLE_OF.patient} FINAL WHERE year = {year:UInt16}),
people AS (SELECT person_key, id_masked, name_masked FROM ${ISSUE_STATE_TABLE} FINAL WHERE year = {year:UInt16})`
    : `${patientSubject.sql},
${MASKED_PEOPLE}`;
  const sql = `${relations},
due AS (
  SELECT s.*, coalesce(s.next_followup_given,
    addDays(coalesce(s.last_followup_on, s.enrolled_on), {cadence:Array(UInt16)}[indexOf({programs:Array(String)}, s.program)])) AS due_on
  FROM subject AS s
  WHERE has({programs:Array(String)}, s.program) AND s.managed_now = 1 AND ${inRegion('s.division_code')}
    AND (empty({institution:String}) OR s.institution_code = {institution:String})
),
overdue AS (
  SELECT d.program AS program, d.person_key AS person_ref, p.id_masked AS id_masked, p.name_masked AS name_masked, d.institution_code AS institution_code,
    d.division_code AS division_code, d.last_followup_on AS last_followup_on, d.due_on AS due_on,
    dateDiff('day', d.due_on, {eval_date:Date32}) AS days_overdue
  FROM due AS d LEFT JOIN people AS p ON p.person_key = d.person_key
  WHERE d.due_on < {eval_date:Date32}
)`;
  const params = {
    ...periodParams(q.period, q.region.code, reference),
    programs,
    institution: q.institution ?? '',
    cadence: programs.map((p) => FOLLOWUP_CADENCE_DAYS[p]),
  };
  return { sql, params };
}

const ORDER = 'ORDER BY days_overdue DESC, division_code, id_masked';

export async function listOverdue(
  client: ClickHouseClient,
  reference: ReferenceData,
  q: OverdueQuery & { page: number; pageSize: number },
): Promise<{ total: number; rows: OverdueRow[] }> {
  const { sql, params: relationParams } = await overdueRelation(reference, q);
  const params = { ...relationParams, limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
  const [count] = await queryRows<{ n: string }>(client, `${sql} SELECT count() AS n FROM overdue`, params);
  const rows = await queryRows<OverdueRow & { days_overdue: string | number }>(
    client,
    `${sql} SELECT * FROM overdue ${ORDER} LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    params,
  );
  return { total: Number(count?.n ?? 0), rows: rows.map((r) => ({ ...r, days_overdue: Number(r.days_overdue) })) };
}

/** Every overdue row, in the list's order, as ClickHouse writes it in a columnar format (no paging). */
export async function overdueColumnar(client: ClickHouseClient, reference: ReferenceData, q: OverdueQuery, format: ColumnarFormat): Promise<Readable> {
  const { sql, params } = await overdueRelation(reference, q);
  return queryColumnar(client, `${sql} SELECT program, person_ref, id_masked, name_masked, institution_code, division_code, last_followup_on, due_on, toInt32(days_overdue) AS days_overdue FROM overdue ${ORDER}`, params, format);
}
