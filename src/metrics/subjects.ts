// What indicators count: one row per person, or one row per (person, program). Each subject is
// a SQL relation built from the event log as of an evaluation date, and a registry of the
// columns a declaration may filter on. Declarations never carry SQL of their own.

export type ColumnType = 'UInt8' | 'Int64' | 'Float64' | 'String' | 'Date32';

export interface SubjectColumn {
  type: ColumnType;
  description: string;
}

export interface Subject {
  id: 'person' | 'patient';
  /** CTEs ending in a relation named `subject`; parameters are bound, never interpolated. */
  sql: string;
  columns: Readonly<Record<string, SubjectColumn>>;
}

/** The parameters every subject query binds (see evaluation-period.ts). */
export const PERIOD_PARAMETERS = {
  year: 'UInt16',
  eval_date: 'Date32',
  year_start: 'Date32',
  year_end: 'Date32',
  received_before: "DateTime64(3, 'UTC')",
  basic_mask: 'UInt32',
  child_mask: 'UInt32',
} as const;

const ORDER = '(occurred_at, institution_code, event_id)';
const DYNAMIC_TYPES = "('health_check.recorded', 'followup.recorded', 'service.recorded')";
const ARCHIVE_TYPES = "('archive.created', 'archive.updated', 'archive.terminated')";

// The event log as known on the evaluation date: received by then, happened by then.
// FINAL keeps one copy per (institution_code, event_id): the first received.
const EVENTS_AS_OF = `ev AS (
  SELECT * FROM events FINAL
  WHERE received_at <= {received_before:DateTime64(3, 'UTC')}
    AND ifNull(event_date <= {eval_date:Date32}, 1)
)`;

// A person's region is that of their latest residence; their institution that of their latest archive record.
const PERSON_BASE = `person_base AS (
  SELECT person_key,
    argMaxIf(division_code, ${ORDER}, division_code != '') AS division_code,
    argMaxIf(institution_code, ${ORDER}, type IN ('archive.created', 'archive.updated')) AS archiving_institution,
    -- Without an archive record, the institution that served the person last.
    if(archiving_institution != '', archiving_institution, argMax(institution_code, ${ORDER})) AS archive_institution,
    argMaxIf(birth_date, ${ORDER}, birth_date IS NOT NULL) AS birth_date,
    minIf(event_date, type = 'archive.terminated' AND kind = 'death') AS death_date,
    countIf(type IN ${DYNAMIC_TYPES} AND event_date > addMonths({eval_date:Date32}, -12)) AS dynamic_records_12m,
    countIf(type = 'health_check.recorded' AND event_date >= {year_start:Date32}) AS health_checks_in_year,
    countIf(type = 'followup.recorded' AND program = 'child' AND event_date >= {year_start:Date32}) AS child_followups_in_year,
    countIf(type = 'followup.recorded' AND visit_kind = 'newborn_home_visit') AS newborn_visits,
    minIf(gestational_weeks, type = 'followup.recorded' AND visit_kind = 'first_prenatal' AND event_date >= {year_start:Date32}) AS first_prenatal_weeks_in_year,
    countIf(type = 'followup.recorded' AND visit_kind = 'postpartum_visit' AND event_date >= {year_start:Date32}) AS postpartum_visits_in_year
  FROM ev GROUP BY person_key
)`;

// One row per archive number; a person is covered while one of their archives is open.
const PERSON_ARCHIVE = `archive_state AS (
  SELECT person_key, archive_no,
    minIf(event_date, type = 'archive.created') AS established_on,
    minIf(event_date, type = 'archive.terminated') AS terminated_on,
    argMaxIf(medium, ${ORDER}, medium != '') AS medium,
    argMinIf(institution_code, ${ORDER}, type = 'archive.created') AS archive_institution
  FROM ev WHERE type IN ${ARCHIVE_TYPES}
  GROUP BY person_key, archive_no
),
person_archive AS (
  SELECT person_key,
    max(established_on IS NOT NULL AND terminated_on IS NULL) AS has_open_archive,
    max(established_on IS NOT NULL AND terminated_on IS NULL AND medium = 'electronic') AS has_open_electronic,
    max(ifNull(established_on <= {year_start:Date32} AND (terminated_on IS NULL OR terminated_on > {year_start:Date32}), 0)) AS active_at_year_start,
    max(ifNull(established_on >= {year_start:Date32}, 0)) AS created_in_year,
    countIf(established_on IS NOT NULL AND terminated_on IS NULL) AS open_archives
  FROM archive_state GROUP BY person_key
)`;

// Basic-information fields answered by any archive record (absent = missing; "none" = answered).
const PERSON_FIELDS = `person_fields AS (
  SELECT person_key, groupBitOr(answered_fields) AS answered_mask
  FROM ev WHERE type IN ('archive.created', 'archive.updated')
  GROUP BY person_key
)`;

export const personSubject: Subject = {
  id: 'person',
  sql: `WITH
${EVENTS_AS_OF},
${PERSON_BASE},
${PERSON_ARCHIVE},
${PERSON_FIELDS},
subject AS (
  SELECT b.person_key AS person_key, b.division_code AS division_code, b.archive_institution AS institution_code,
    b.birth_date AS birth_date,
    toUInt8(a.has_open_archive AND b.death_date IS NULL) AS active_archive,
    toUInt8(a.has_open_electronic AND b.death_date IS NULL) AS active_electronic_archive,
    a.open_archives AS open_archives,
    b.dynamic_records_12m AS dynamic_records_12m,
    b.health_checks_in_year AS health_checks_in_year,
    b.child_followups_in_year AS child_followups_in_year,
    b.newborn_visits AS newborn_visits,
    b.first_prenatal_weeks_in_year AS first_prenatal_weeks_in_year,
    b.postpartum_visits_in_year AS postpartum_visits_in_year,
    age('year', b.birth_date, {eval_date:Date32}) AS age_at_eval,
    age('year', b.birth_date, {year_end:Date32}) AS age_at_year_end,
    toYear(b.birth_date) AS birth_year,
    f.answered_mask AS answered_mask,
    if(ifNull(age('year', b.birth_date, {eval_date:Date32}) < 7, 0), {child_mask:UInt32}, {basic_mask:UInt32}) AS required_mask,
    bitCount(bitAnd(required_mask, bitNot(answered_mask))) AS missing_basic_fields
  FROM person_base AS b
  LEFT JOIN person_archive AS a ON a.person_key = b.person_key
  LEFT JOIN person_fields AS f ON f.person_key = b.person_key
)`,
  columns: {
    active_archive: { type: 'UInt8', description: '1 when the person has an archive established and not terminated (and is not dead) on the evaluation date' },
    active_electronic_archive: { type: 'UInt8', description: 'as active_archive, for an electronic archive' },
    open_archives: { type: 'Int64', description: 'number of open archives (more than 1 = duplicate archives)' },
    dynamic_records_12m: { type: 'Int64', description: 'health checks, follow-ups and service records in the 12 months up to the evaluation date' },
    health_checks_in_year: { type: 'Int64', description: 'health checks in the year up to the evaluation date' },
    child_followups_in_year: { type: 'Int64', description: 'child health follow-ups in the year' },
    newborn_visits: { type: 'Int64', description: 'newborn home visits up to the evaluation date' },
    first_prenatal_weeks_in_year: { type: 'Int64', description: 'gestational weeks at the first prenatal visit in the year (NULL when none)' },
    postpartum_visits_in_year: { type: 'Int64', description: 'postpartum home visits in the year' },
    age_at_eval: { type: 'Int64', description: 'age in whole years on the evaluation date' },
    age_at_year_end: { type: 'Int64', description: 'age in whole years on 31 December of the year' },
    birth_year: { type: 'Int64', description: 'year of birth' },
    missing_basic_fields: { type: 'Int64', description: 'basic-information fields missing (the reduced set for children under 7)' },
  },
};

const PATIENT_PROGRAM = `patient_program AS (
  SELECT person_key, program,
    maxIf(event_date, type = 'program.enrolled') AS enrolled_on,
    maxIf(event_date, type = 'program.exited') AS exited_on,
    argMaxIf(kind, (event_date, ${ORDER}), type = 'program.exited') AS exit_reason,
    sumIf(doses_due, type = 'followup.recorded') AS doses_due_total,
    sumIf(doses_taken, type = 'followup.recorded') AS doses_taken_total,
    countIf(type = 'followup.recorded' AND event_date >= {year_start:Date32}) AS followups_in_year,
    countIf(type = 'followup.recorded' AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home')) AS face_to_face_followups_in_year,
    maxIf(event_date, type = 'followup.recorded') AS last_followup_on,
    -- In a tuple, so that a latest follow-up without a next date is not skipped for an older one's.
    tupleElement(argMaxIf(tuple(next_followup_on), (event_date, ${ORDER}), type = 'followup.recorded'), 1) AS next_followup_given,
    -- A tuple keeps NULL measurements of the latest follow-up (argMax alone would skip them).
    argMaxIf((bp_systolic, bp_diastolic, fasting_glucose, condition, event_date),
             (event_date, ${ORDER}), type = 'followup.recorded' AND event_date >= {year_start:Date32}) AS latest
  FROM ev WHERE program != ''
  GROUP BY person_key, program
)`;

export const patientSubject: Subject = {
  id: 'patient',
  sql: `WITH
${EVENTS_AS_OF},
${PERSON_BASE},
${PERSON_ARCHIVE},
${PATIENT_PROGRAM},
subject AS (
  SELECT p.person_key AS person_key, p.program AS program, b.division_code AS division_code,
    b.archive_institution AS institution_code,
    -- Under management in the year: enrolled, not exited before the year, archive active at its start or created in it.
    toUInt8(p.enrolled_on IS NOT NULL
      AND (p.exited_on IS NULL OR p.exited_on < p.enrolled_on OR p.exited_on >= {year_start:Date32})
      AND ((a.active_at_year_start AND ifNull(b.death_date > {year_start:Date32}, 1)) OR a.created_in_year)) AS under_management,
    toUInt8(ifNull(p.enrolled_on >= {year_start:Date32}, 0)) AS enrolled_in_year,
    -- Managed on the evaluation date: enrolled, not exited since, alive with an open archive.
    toUInt8(p.enrolled_on IS NOT NULL AND (p.exited_on IS NULL OR p.exited_on < p.enrolled_on)
      AND a.has_open_archive AND b.death_date IS NULL) AS managed_now,
    p.enrolled_on AS enrolled_on,
    p.last_followup_on AS last_followup_on,
    p.next_followup_given AS next_followup_given,
    toUInt8(ifNull(p.exited_on >= {year_start:Date32} AND p.exited_on >= p.enrolled_on, 0) AND p.exit_reason = 'completed') AS completed_in_year,
    if(p.doses_due_total > 0, p.doses_taken_total / p.doses_due_total, NULL) AS doses_taken_ratio,
    p.followups_in_year AS followups_in_year,
    p.face_to_face_followups_in_year AS face_to_face_followups_in_year,
    if(p.followups_in_year > 0, tupleElement(p.latest, 1), NULL) AS latest_sbp,
    if(p.followups_in_year > 0, tupleElement(p.latest, 2), NULL) AS latest_dbp,
    if(p.followups_in_year > 0, tupleElement(p.latest, 3), NULL) AS latest_fasting_glucose,
    if(p.followups_in_year > 0, tupleElement(p.latest, 4), '') AS latest_condition,
    if(p.followups_in_year > 0, age('year', b.birth_date, tupleElement(p.latest, 5)), NULL) AS age_at_latest_followup
  FROM patient_program AS p
  INNER JOIN person_base AS b ON b.person_key = p.person_key
  LEFT JOIN person_archive AS a ON a.person_key = p.person_key
)`,
  columns: {
    program: { type: 'String', description: 'the key-population program' },
    under_management: { type: 'UInt8', description: '1 when enrolled, not exited before the year, and the archive was active at its start or created in it' },
    enrolled_in_year: { type: 'UInt8', description: '1 when the (latest) enrolment is in the year (TB: notified in the year)' },
    completed_in_year: { type: 'UInt8', description: "1 when the program was exited in the year with reason 'completed' (TB treatment completed)" },
    doses_taken_ratio: { type: 'Float64', description: 'doses taken / doses due over all follow-ups of the program (TB)' },
    followups_in_year: { type: 'Int64', description: 'follow-ups of the program in the year, any method' },
    face_to_face_followups_in_year: { type: 'Int64', description: 'clinic or home follow-ups of the program in the year' },
    latest_sbp: { type: 'Float64', description: 'systolic pressure at the latest follow-up in the year' },
    latest_dbp: { type: 'Float64', description: 'diastolic pressure at the latest follow-up in the year' },
    latest_fasting_glucose: { type: 'Float64', description: 'fasting glucose (mmol/L) at the latest follow-up in the year' },
    latest_condition: { type: 'String', description: 'condition (SMD) at the latest follow-up in the year' },
    age_at_latest_followup: { type: 'Int64', description: 'age at the latest follow-up in the year' },
  },
};

export const SUBJECTS = { person: personSubject, patient: patientSubject } as const;
export type SubjectId = keyof typeof SUBJECTS;

/**
 * Inside the region: a person's latest residence lies in it; people with no residence on record
 * (only services, no archive form) count in the county total, in a group of their own.
 */
export function inRegion(column = 'division_code'): string {
  return `(startsWith(${column}, {region:String}) OR (${column} = '' AND {include_unlocated:UInt8} = 1))`;
}

/** Group-by levels: identifiers come from here only. */
export const GROUP_EXPRESSIONS = {
  street: 'substring(division_code, 1, 9)',
  community: 'division_code',
  institution: 'institution_code',
} as const;
export type GroupLevel = keyof typeof GROUP_EXPRESSIONS;
