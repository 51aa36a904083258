// The maintained state (issue 8): one row per person (and per person and program) and year, with
// the columns a subject registers, kept current as events land, so that a figure reads a few
// hundred thousand rows instead of re-deriving everyone from the event log. The tables are derived
// data: their shape follows the subjects' registries, and a change of shape drops and rebuilds them
// (the DDL hash in `state_builds`), so they need no migration of their own.
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { PROGRAMS } from '../../transform/event-schema.js';
import { type ColumnType, forPeople, STATE_TABLE_OF, SUBJECTS, type SubjectId } from '../subjects.js';

/** Columns every state row has besides the registered ones; `subject` names them in the subject SQL. */
const BASE_COLUMNS: Record<SubjectId, readonly (readonly [name: string, type: string])[]> = {
  person: [
    ['person_key', 'String'],
    ['division_code', 'LowCardinality(String)'],
    ['institution_code', 'LowCardinality(String)'],
    ['birth_date', 'Nullable(Date32)'],
    ['death_date', 'Nullable(Date32)'],
    ['established_on', 'Nullable(Date32)'],
    ['answered_mask', 'UInt32'],
    ['required_mask', 'UInt32'],
    ['open_archives', 'Int64'],
    ['archives_by_preference', 'Array(Tuple(String, String))'],
  ],
  patient: [
    ['person_key', 'String'],
    ['division_code', 'LowCardinality(String)'],
    ['institution_code', 'LowCardinality(String)'],
    ['birth_date', 'Nullable(Date32)'],
    ['death_date', 'Nullable(Date32)'],
    ['managed_now', 'UInt8'],
    ['enrolled_on', 'Nullable(Date32)'],
    ['last_followup_on', 'Nullable(Date32)'],
    ['next_followup_given', 'Nullable(Date32)'],
  ],
};

const STORED_TYPE: Record<ColumnType, string> = {
  UInt8: 'UInt8',
  Int64: 'Nullable(Int64)',
  Float64: 'Nullable(Float64)',
  String: 'LowCardinality(String)',
  Date32: 'Nullable(Date32)',
};

const ORDER_KEYS: Record<SubjectId, string> = { person: '(year, person_key)', patient: '(year, person_key, program)' };

/** The subject's columns as stored: base columns, then the registry's (a registry name never repeats a base one). */
export function stateColumns(subject: SubjectId): (readonly [string, string])[] {
  const base = BASE_COLUMNS[subject];
  const taken = new Set(base.map(([name]) => name));
  const registered = Object.entries(SUBJECTS[subject].columns)
    .filter(([name]) => !taken.has(name))
    .map(([name, column]) => [name, STORED_TYPE[column.type]] as const);
  return [...base, ...registered];
}

/** A table the maintainer keeps: built whole per year, refreshed for the people a batch touched. */
export interface MaintainedTable {
  /** its key in state_builds (`person`, `patient`, `issues`) */
  id: string;
  table: string;
  ddl: string;
  /**
   * INSERT … SELECT over a subject's SQL: binds the period parameters (`buckets` and `bucket`
   * among them), `year`, `eval_date`, `built_at`, `people` (empty) and `params`.
   */
  insertSql: string;
  /**
   * Evaluates each person from their own records alone, so a year may be built part by part
   * (`buckets`, `bucket`): false for a table that compares people (an archive number shared).
   */
  buildsInParts: boolean;
  /** insertSql for some people: binds peopleEventParams (subjects.ts) besides `people` */
  refreshSql: string;
  /** constant parameters of insertSql (labels, thresholds from the catalogue) */
  params?: Record<string, unknown>;
  /** rows that remove an identifier's own rows once a link merged it into another person */
  tombstones(personKey: string): Record<string, unknown>[];
}

export function subjectTable(subject: SubjectId): MaintainedTable {
  const columns = stateColumns(subject).map(([name]) => name);
  const insert = (sql: string) => `INSERT INTO ${STATE_TABLE_OF[subject]} (year, eval_date, built_at, is_deleted, ${columns.join(', ')})
${sql}
SELECT {year:UInt16}, {eval_date:Date32}, {built_at:DateTime64(3, 'UTC')}, 0, ${columns.join(', ')} FROM subject`;
  return {
    id: subject,
    table: STATE_TABLE_OF[subject],
    ddl: stateTableDdl(subject),
    insertSql: insert(SUBJECTS[subject].sql),
    refreshSql: insert(forPeople(SUBJECTS[subject].sql)),
    buildsInParts: true,
    tombstones: (person_key) => (subject === 'patient' ? PROGRAMS.map((program) => ({ person_key, program })) : [{ person_key }]),
  };
}

export function stateTableDdl(subject: SubjectId): string {
  const columns = stateColumns(subject).map(([name, type]) => `${name} ${type}`).join(',\n  ');
  // A newer build of a row replaces the older (built_at); a person merged into another by a link
  // is removed by a row with is_deleted = 1. Reads use FINAL.
  return `CREATE TABLE IF NOT EXISTS ${STATE_TABLE_OF[subject]} (
  year UInt16,
  eval_date Date32,
  built_at DateTime64(3, 'UTC'),
  is_deleted UInt8,
  ${columns}
) ENGINE = ReplacingMergeTree(built_at, is_deleted)
PARTITION BY year
ORDER BY ${ORDER_KEYS[subject]}`;
}

export const STATE_BUILDS_DDL = `CREATE TABLE IF NOT EXISTS state_builds (
  year UInt16,
  subject LowCardinality(String),
  eval_date Date32,
  ddl_hash String,
  complete UInt8,
  built_at DateTime64(3, 'UTC'),
  applied_through DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(built_at)
ORDER BY (year, subject)`;

/**
 * `applied_through`: every batch stored before this time is in the state (a build's start, a
 * refresh's taking of the waiting people). A start after a crash re-applies what was received since.
 */
export const STATE_BUILDS_APPLIED_DDL = `ALTER TABLE state_builds ADD COLUMN IF NOT EXISTS applied_through DateTime64(3, 'UTC')`;

/** Identifies the shape of the maintained tables and the SQL that fills them. */
export function stateDdlHash(tables: readonly MaintainedTable[]): string {
  const hash = createHash('sha256');
  for (const t of tables) hash.update(t.ddl).update(t.insertSql).update(t.refreshSql).update(JSON.stringify(t.params ?? {}));
  return hash.digest('hex').slice(0, 16);
}

/**
 * No year of the state is current any more: the next serving process builds every year again
 * from the log, and reads use the log meanwhile. After a restore: the state tables of a backup
 * taken while serving may be a batch behind its event log.
 */
export async function forgetStateBuilds(client: ClickHouseClient): Promise<void> {
  await client.command({ query: 'TRUNCATE TABLE IF EXISTS state_builds' });
}
