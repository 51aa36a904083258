// The quality worklist kept per person (issue 8): every person-level kind of ISSUE_KINDS for each
// person, one row a person and year, maintained with the subjects (src/metrics/state). A page of
// the worklist is then a read of these rows; the institution-level kind stays a read of the log.
import { indicatorParameter } from '../metrics/compile.js';
import { FIELD_LABELS } from '../metrics/completeness.js';
import type { Indicator } from '../metrics/indicator-schema.js';
import type { MaintainedTable } from '../metrics/state/state-tables.js';
import { eventLogRelations, forPeople, personSubject, STATE_TABLE_OF } from '../metrics/subjects.js';
import { fieldBit } from '../transform/archive-fields.js';
import { ISSUE_KINDS } from './issue-kinds.js';
import { MASKED_PEOPLE } from './masked-people.js';

export const ISSUE_STATE_TABLE = 'issue_state';

/**
 * The person-level kinds as one relation `located` (a person's issues placed in their region), with
 * `people`. `subject` is the person subject over the log, or — when the worklist is kept — the
 * person state of the year just refreshed (the same columns; the differential test holds them equal).
 */
export function personIssuesSql(subject: 'log' | 'state' = 'log'): string {
  const union = ISSUE_KINDS.filter((k) => k.scope === undefined)
    .map((k) => `SELECT '${k.kind}' AS kind, person_key, institution_code, division_code, archive_no, detail, CAST(on_date AS Nullable(Date32)) AS on_date FROM (${k.sql})`)
    .join('\nUNION ALL\n');
  const relations =
    subject === 'log'
      ? personSubject.sql
      : `${eventLogRelations()},
subject AS (
  SELECT * FROM ${STATE_TABLE_OF.person} FINAL
  WHERE year = {year:UInt16} AND (empty({people:Array(String)}) OR person_key IN {people:Array(String)})
)`;
  return `${relations},
issues AS (
${union}
),
${MASKED_PEOPLE},
located AS (
  SELECT i.kind AS kind, i.person_key AS person_key, i.institution_code AS institution_code,
    if(b.division_code != '', b.division_code, i.division_code) AS division_code, i.archive_no AS archive_no, i.detail AS detail, i.on_date AS on_date
  FROM issues AS i LEFT JOIN (SELECT person_key, division_code FROM subject) AS b ON b.person_key = i.person_key
)`;
}

/** The constant parameters of the kinds: field labels and bits, ages from the indicators. */
export function issueParams(catalogue: readonly Indicator[]): Record<string, unknown> {
  const fields = Object.keys(FIELD_LABELS);
  return {
    field_names: fields.map((f) => `${FIELD_LABELS[f]}(${f})`),
    field_bits: fields.map(fieldBit),
    min_chronic_age: indicatorParameter(catalogue, 'hypertension_standard_management', 'min_patient_age'),
    elderly_age: indicatorParameter(catalogue, 'elderly_health_management', 'elderly_age'),
  };
}

export function issueStateTable(catalogue: readonly Indicator[]): MaintainedTable {
  // Every person gets a row, an empty list included: a refresh then clears what was fixed. The
  // person state of the year is refreshed first (the maintainer's table order), and read here.
  const insertSql = `INSERT INTO ${ISSUE_STATE_TABLE} (year, eval_date, built_at, is_deleted, person_key, id_masked, name_masked, issues)
${personIssuesSql('state')}
SELECT {year:UInt16}, {eval_date:Date32}, {built_at:DateTime64(3, 'UTC')}, 0, s.person_key, p.id_masked, p.name_masked, g.issues
FROM subject AS s
LEFT JOIN people AS p ON p.person_key = s.person_key
LEFT JOIN (SELECT person_key, groupArray((kind, institution_code, division_code, archive_no, detail, on_date)) AS issues FROM located GROUP BY person_key) AS g
  ON g.person_key = s.person_key`;
  return {
    id: 'issues',
    table: ISSUE_STATE_TABLE,
    ddl: `CREATE TABLE IF NOT EXISTS ${ISSUE_STATE_TABLE} (
  year UInt16,
  eval_date Date32,
  built_at DateTime64(3, 'UTC'),
  is_deleted UInt8,
  person_key String,
  id_masked String,
  name_masked String,
  issues Array(Tuple(kind LowCardinality(String), institution_code String, division_code String, archive_no String, detail String, on_date Nullable(Date32)))
) ENGINE = ReplacingMergeTree(built_at, is_deleted)
PARTITION BY year
ORDER BY (year, person_key)`,
    insertSql,
    refreshSql: forPeople(insertSql),
    // "One archive number used by two people" compares people: built whole.
    buildsInParts: false,
    params: issueParams(catalogue),
    tombstones: (person_key) => [{ person_key }],
  };
}
