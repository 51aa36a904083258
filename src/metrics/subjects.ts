// What indicators count (definitions v2, DOMAIN.md "Indicators" and "Decided edges"): one row per
// person, or one row per (person, program). Each subject is a SQL relation built from the event
// log as known on an evaluation date, and a registry of the columns a declaration may filter on.
// Declarations never carry SQL of their own.
//
// The relations a subject's SQL defines, which other queries (worklists, samples) may build on:
//   ev_received  every stored event received by the cut-off, people merged by their links,
//                `identifier_key` the identifier it was sent under, `by_eval` 1 when dated on or
//                before the evaluation date (cohort windows read past it: newborn, postpartum, TB)
//   ev           ev_received dated on or before the evaluation date
//   archive_state one row per (person, archive number): established, open, holder, last used
//   subject      the subject's rows with the registered columns below (and person_key,
//                division_code, institution_code, birth_date, death_date, answered_mask, required_mask)

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

/** The parameters every subject query binds (see evaluate.ts periodParams). */
export const PERIOD_PARAMETERS = {
  year: 'UInt16',
  eval_date: 'Date32',
  year_start: 'Date32',
  year_end: 'Date32',
  received_before: "DateTime64(3, 'UTC')",
  basic_mask: 'UInt32',
  child_mask: 'UInt32',
  established_mask: 'UInt32',
  elderly_form_mask: 'UInt32',
  tcm_constitution_bit: 'UInt8',
  tcm_guidance_bit: 'UInt8',
  serving: 'Array(String)',
  /**
   * The whole log's people split by a hash of the person into `buckets` parts, of which part
   * `bucket` is evaluated (the maintained state builds a year part by part: bounded memory); 1 and 0
   * for everyone.
   */
  buckets: 'UInt32',
  bucket: 'UInt32',
} as const;

/** "Latest" is by occurred time, ties by institution code, then event id (Decided edges). */
const ORDER = '(occurred_at, institution_code, event_id)';
const FACE_TO_FACE = "method IN ('clinic', 'home')";
const FOLLOWUP = "type = 'followup.recorded'";
const IN_YEAR = 'by_eval AND event_date >= {year_start:Date32}';
/** Child health visits: the child program's follow-ups, and newborn and well-child visits whatever their program. */
const CHILD_VISIT = `${FOLLOWUP} AND (program = 'child' OR visit_kind IN ('newborn_home_visit', 'well_child_check'))`;
const POSTPARTUM_VISIT = `${FOLLOWUP} AND visit_kind IN ('postpartum_visit', 'postpartum_42d')`;
/** Children are those under 7 (the 0–6 programme of the 3rd edition). */
const CHILD_AGE_LIMIT = 7;
/** Month-ages at which child TCM guidance is due (3rd ed.: 6, 12, 18, 24, 30, 36 months). */
const TCM_MONTH_AGES = '[6, 12, 18, 24, 30, 36]';
/** The window of a pregnancy's first prenatal visit before its delivery (Decided edges). */
const PREGNANCY_DAYS = 300;

// Links received by the cut-off: old identifier → new (the latest link of an old identifier wins),
// followed over up to three links (a birth certificate → a mistyped ID → the corrected ID).
// Without FINAL: a re-sent copy of a link carries the same pair, and argMax by the total order
// picks one pair either way; the type filter then reads a few rows instead of merging the log.
const LINKS = `link_edges AS (
  SELECT linked_from AS from_key, argMax(person_key, ${ORDER}) AS to_key
  FROM events
  WHERE type = 'person.linked' AND received_at <= {received_before:DateTime64(3, 'UTC')}
  GROUP BY linked_from
),
person_links AS (
  SELECT l1.from_key AS from_key,
    if(ifNull(l3.to_key, '') != '', l3.to_key, if(ifNull(l2.to_key, '') != '', l2.to_key, l1.to_key)) AS to_key
  FROM link_edges AS l1
  LEFT JOIN link_edges AS l2 ON l2.from_key = l1.to_key
  LEFT JOIN link_edges AS l3 ON l3.from_key = l2.to_key
)`;

/** `ev_received` and `ev` over the events by the cut-off, people merged by `person_links`, narrowed by `rows` (SQL after the cut-off's condition). */
function eventsReceived(rows: string): string {
  return `ev_received AS (
  SELECT e.* REPLACE (if(ifNull(l.to_key, '') != '', l.to_key, e.person_key) AS person_key),
    e.person_key AS identifier_key,
    toUInt8(ifNull(e.event_date <= {eval_date:Date32}, 1)) AS by_eval
  FROM events AS e FINAL
  LEFT JOIN person_links AS l ON l.from_key = e.person_key
  WHERE e.received_at <= {received_before:DateTime64(3, 'UTC')}
    ${rows}
),
ev AS (SELECT * FROM ev_received WHERE by_eval)`;
}

// The event log as known on the evaluation date. FINAL keeps one copy per (institution_code,
// event_id): the first received. Received by the cut-off; dated by the evaluation date in `ev`.
// A part of the people (`buckets`, `bucket`) is chosen by the person after links, so that every
// record of a person falls in one part: a subject evaluates each person from their own records.
const EVENT_LOG = `${LINKS},
${eventsReceived(`AND ({buckets:UInt32} <= 1
      OR cityHash64(if(ifNull(l.to_key, '') != '', l.to_key, e.person_key)) % {buckets:UInt32} = {bucket:UInt32})`)}`;

// The same log restricted to some people (the maintained state's refresh of a batch's people),
// with what the whole-log form derives at each reference bound once by the caller instead:
// the (institution_code, event_id) of every row of their identifiers — the primary key, so FINAL
// reads those granules alone — and the resolved links of those identifiers (PERSON_LINKS_SQL's
// rows whose from_key is one of them, as `link_from` → `link_to`). ClickHouse inlines a WITH relation at
// each reference: in the whole-log form the link joins and the key lookup ran a dozen times a query.
const EVENT_LOG_OF_PEOPLE = `person_links AS (
  SELECT from_key, to_key
  FROM (SELECT arrayJoin(arrayZip({link_from:Array(String)}, {link_to:Array(String)})) AS l)
  ARRAY JOIN [tupleElement(l, 1)] AS from_key, [tupleElement(l, 2)] AS to_key
),
${eventsReceived(`-- The key columns read the primary key; the exact pairs are then told apart by an unambiguous
    -- string (a length-prefixed institution code), as a tuple cannot be bound as a parameter.
    AND e.institution_code IN {event_institutions:Array(String)} AND e.event_id IN {event_ids:Array(String)}
    AND concat(toString(length(e.institution_code)), ':', e.institution_code, e.event_id) IN {event_keys:Array(String)}`)}`;

/**
 * A subject's SQL (or one built on eventLogRelations) evaluated for some people only: binds
 * the parameters of peopleEventParams in place of the whole log.
 */
export function peopleEventParams(
  eventKeys: readonly { institution_code: string; event_id: string }[],
  links: readonly { from_key: string; to_key: string }[],
): Record<string, string[]> {
  return {
    event_institutions: [...new Set(eventKeys.map((k) => k.institution_code))],
    event_ids: [...new Set(eventKeys.map((k) => k.event_id))],
    event_keys: eventKeys.map((k) => `${k.institution_code.length}:${k.institution_code}${k.event_id}`),
    link_from: links.map((l) => l.from_key),
    link_to: links.map((l) => l.to_key),
  };
}

export function forPeople(sql: string): string {
  const at = sql.indexOf(EVENT_LOG);
  if (at < 0 || sql.indexOf(EVENT_LOG, at + 1) >= 0) throw new Error('forPeople: the SQL does not read the event log once');
  return sql.slice(0, at) + EVENT_LOG_OF_PEOPLE + sql.slice(at + EVENT_LOG.length);
}

// One row per archive number of a person. Open: established and not terminated, or reopened since
// (a reopening on the day of the termination reopens). The holder is the institution that created
// it, or the one it was transferred to last.
const ARCHIVE_STATE = `archive_state AS (
  SELECT person_key, archive_no,
    minIf(event_date, type = 'archive.created') AS established_on,
    maxIf(event_date, type = 'archive.terminated') AS terminated_on,
    maxIf(event_date, type = 'archive.reopened') AS reopened_on,
    toUInt8(established_on IS NOT NULL AND (terminated_on IS NULL OR ifNull(reopened_on >= terminated_on, 0))) AS is_open,
    argMaxIf(medium, ${ORDER}, medium != '') AS medium,
    argMaxIf(if(type = 'archive.transferred', to_institution, institution_code), ${ORDER},
      type IN ('archive.created', 'archive.updated', 'archive.transferred', 'archive.reopened')) AS holder,
    max(${ORDER}) AS last_used
  FROM ev
  WHERE type IN ('archive.created', 'archive.updated', 'archive.terminated', 'archive.transferred', 'archive.reopened')
  GROUP BY person_key, archive_no
)`;

// Per person, from every event received by the cut-off (by_eval limits what must be by the
// evaluation date). Arrays hold the few dates a window rule needs; they are small per person.
const PERSON_FACTS = `person_facts AS (
  SELECT person_key,
    -- Region: the latest residence on any record by the evaluation date, else the earliest of later records.
    argMaxIf(division_code, ${ORDER}, division_code != '' AND by_eval) AS division_by_eval,
    argMinIf(division_code, ${ORDER}, division_code != '' AND NOT by_eval) AS division_later,
    -- Facts of the newest identifier win (its ID carries birth date and sex), then the latest record.
    argMaxIf(birth_date, (identifier_key = person_key, ${ORDER}), birth_date IS NOT NULL) AS birth_date,
    argMaxIf(institution_code, ${ORDER}, by_eval) AS last_serving_institution,
    maxIf(event_date, by_eval AND type = 'archive.terminated' AND kind = 'death') AS last_death_on,
    maxIf(event_date, by_eval AND type = 'archive.reopened') AS last_reopened_on,
    groupBitOrIf(answered_fields, by_eval AND (type IN ('archive.created', 'archive.updated') OR (${CHILD_VISIT} AND ${FACE_TO_FACE}))) AS answered_mask,
    countIf(by_eval AND type IN ('health_check.recorded', 'followup.recorded', 'service.recorded', 'delivery.recorded')
      AND event_date > addMonths({eval_date:Date32}, -12)) AS dynamic_records_12m,
    countIf(${IN_YEAR} AND type = 'health_check.recorded') AS health_checks_in_year,
    maxIf(event_date, ${IN_YEAR} AND type = 'health_check.recorded' AND kind = 'elderly_annual'
      AND bitAnd(service_items, {elderly_form_mask:UInt32}) = {elderly_form_mask:UInt32}) AS last_complete_elderly_check_on,
    countIf(${IN_YEAR} AND bitTest(service_items, {tcm_constitution_bit:UInt8})) AS tcm_constitutions_in_year,
    countIf(${IN_YEAR} AND bitTest(service_items, {tcm_guidance_bit:UInt8})) AS tcm_guidance_in_year,
    groupArrayIf(event_date, by_eval AND ${CHILD_VISIT} AND ${FACE_TO_FACE}) AS child_visit_days,
    -- Cohort windows may end after the evaluation date: these read every received record.
    groupArrayIf(event_date, bitTest(service_items, {tcm_guidance_bit:UInt8})) AS tcm_guidance_days,
    groupArrayIf(tuple(event_date, discharged_on), ${FOLLOWUP} AND visit_kind = 'newborn_home_visit' AND method = 'home') AS newborn_home_visits,
    maxIf(event_date, type = 'delivery.recorded' AND kind = 'live_birth' AND ${IN_YEAR}) AS delivery_recorded_on,
    argMaxIf(discharged_on, (event_date, ${ORDER}), type = 'delivery.recorded' AND kind = 'live_birth' AND ${IN_YEAR}) AS delivery_discharged_on,
    maxIf(delivered_on, ${POSTPARTUM_VISIT} AND delivered_on >= {year_start:Date32} AND delivered_on <= least({year_end:Date32}, {eval_date:Date32})) AS visit_delivered_on,
    groupArrayIf(tuple(event_date, discharged_on), ${POSTPARTUM_VISIT} AND ${FACE_TO_FACE}) AS postpartum_visits,
    groupArrayIf(tuple(event_date, gestational_weeks, ${ORDER}), ${FOLLOWUP} AND visit_kind = 'first_prenatal' AND by_eval) AS first_prenatal_visits
  FROM ev_received GROUP BY person_key
)`;

const PERSON_ARCHIVES = `person_archives AS (
  SELECT person_key,
    countIf(established_on IS NOT NULL) AS archive_records,
    countIf(is_open = 1) AS open_archives,
    max(is_open = 1 AND medium != 'paper') AS has_open_electronic,
    min(established_on) AS first_established_on,
    groupArrayIf(tuple(holder, last_used, archive_no), is_open = 1) AS open_holders,
    argMax(holder, last_used) AS last_holder
  FROM archive_state
  GROUP BY person_key
)`;

const PERSON_ROWS = `person_rows AS (
  SELECT f.person_key AS person_key,
    if(f.division_by_eval != '', f.division_by_eval, f.division_later) AS division_code,
    -- The archive to keep (duplicates): held by an institution serving the person's street, else the most recently used.
    arrayReverseSort(x -> (has({serving:Array(String)}, concat(x.1, ':', substring(division_code, 1, 9))), x.2), ifNull(pa.open_holders, [])) AS holders_by_preference,
    multiIf(notEmpty(holders_by_preference), holders_by_preference[1].1, ifNull(pa.last_holder, '') != '', pa.last_holder, f.last_serving_institution) AS institution_code,
    holders_by_preference,
    f.birth_date AS birth_date,
    -- Dead: a termination by death not reopened since (a death recorded by mistake is reopened).
    if(f.last_death_on IS NOT NULL AND NOT ifNull(f.last_reopened_on >= f.last_death_on, 0), f.last_death_on, NULL) AS death_date,
    f.answered_mask AS answered_mask,
    toUInt8(bitAnd(f.answered_mask, {established_mask:UInt32}) = {established_mask:UInt32}) AS form_established,
    -- A face-to-face newborn or child health visit of a child under 7 establishes the archive on its date.
    arrayFilter(d -> ifNull(age('year', f.birth_date, d) < ${CHILD_AGE_LIMIT}, 0), f.child_visit_days) AS child_establishing_visits,
    notEmpty(child_establishing_visits) AS child_established,
    ifNull(pa.archive_records, 0) AS archive_records,
    ifNull(pa.open_archives, 0) AS open_archives,
    ifNull(pa.has_open_electronic, 0) AS has_open_electronic,
    -- Established: the archive form with name, sex, birth date, ID number and residence, or a child's visit.
    multiIf(form_established AND pa.first_established_on IS NOT NULL AND child_established,
              least(pa.first_established_on, arrayMin(child_establishing_visits)),
            form_established AND pa.first_established_on IS NOT NULL, pa.first_established_on,
            child_established, arrayMin(child_establishing_visits), NULL) AS established_on,
    f.dynamic_records_12m AS dynamic_records_12m,
    f.health_checks_in_year AS health_checks_in_year,
    f.last_complete_elderly_check_on AS last_complete_elderly_check_on,
    f.tcm_constitutions_in_year AS tcm_constitutions_in_year,
    f.tcm_guidance_in_year AS tcm_guidance_in_year,
    f.child_visit_days AS child_visit_days,
    f.tcm_guidance_days AS tcm_guidance_days,
    f.newborn_home_visits AS newborn_home_visits,
    f.delivery_recorded_on AS delivery_recorded_on,
    f.delivery_discharged_on AS delivery_discharged_on,
    f.visit_delivered_on AS visit_delivered_on,
    f.postpartum_visits AS postpartum_visits,
    f.first_prenatal_visits AS first_prenatal_visits
  FROM person_facts AS f
  LEFT JOIN person_archives AS pa ON pa.person_key = f.person_key
)`;

export const personSubject: Subject = {
  id: 'person',
  sql: `WITH
${EVENT_LOG},
${ARCHIVE_STATE},
${PERSON_FACTS},
${PERSON_ARCHIVES},
${PERSON_ROWS},
subject AS (
  SELECT p.person_key AS person_key, p.division_code AS division_code, p.institution_code AS institution_code,
    p.birth_date AS birth_date, p.death_date AS death_date, p.answered_mask AS answered_mask,
    -- Active: an established archive that is open (a child's visit-established one while no archive of theirs was closed), alive.
    toUInt8(p.death_date IS NULL AND p.established_on IS NOT NULL
      AND (p.open_archives > 0 OR (p.archive_records = 0 AND p.child_established))) AS active_archive,
    -- Electronic unless declared paper; a visit-established child archive reached us electronically.
    toUInt8(active_archive AND (p.has_open_electronic OR p.open_archives = 0)) AS active_electronic_archive,
    p.open_archives AS open_archives,
    -- Open archives as (holder, archive number), the one to keep first.
    arrayMap(x -> (x.1, x.3), p.holders_by_preference) AS archives_by_preference,
    p.established_on AS established_on,
    p.dynamic_records_12m AS dynamic_records_12m,
    p.health_checks_in_year AS health_checks_in_year,
    -- Had an archive when checked: a complete elderly form in the year on or after the archive was established.
    toUInt8(ifNull(p.last_complete_elderly_check_on >= p.established_on, 0)) AS complete_elderly_check_in_year,
    toUInt8(p.tcm_constitutions_in_year > 0 AND p.tcm_guidance_in_year > 0) AS elderly_tcm_in_year,
    arrayFilter(d -> d >= {year_start:Date32}, p.child_visit_days) AS child_visit_days_in_year,
    if(empty(child_visit_days_in_year), NULL, age('year', p.birth_date, arrayMin(child_visit_days_in_year))) AS age_at_first_child_visit_in_year,
    -- Newborn: home visits, days after the visit's discharge date, else after birth (the nearest inside the window).
    arrayFilter(v -> ifNull(v.1 >= v.2, 0), p.newborn_home_visits) AS newborn_visits_after_discharge,
    arrayFilter(v -> v.2 IS NULL AND ifNull(v.1 >= p.birth_date, 0), p.newborn_home_visits) AS newborn_visits_without_discharge,
    if(empty(newborn_visits_after_discharge), NULL,
       assumeNotNull(arrayMin(arrayMap(v -> dateDiff('day', assumeNotNull(v.2), assumeNotNull(v.1)), newborn_visits_after_discharge)))) AS newborn_visit_days_after_discharge,
    if(empty(newborn_visits_without_discharge), NULL,
       assumeNotNull(arrayMin(arrayMap(v -> dateDiff('day', assumeNotNull(p.birth_date), assumeNotNull(v.1)), newborn_visits_without_discharge)))) AS newborn_visit_days_after_birth,
    -- Child TCM: at least one month-age due in the year, guidance within ±1 calendar month of each.
    arrayFilter(m -> ifNull(toYear(addMonths(p.birth_date, m)) = {year:UInt16}, 0), ${TCM_MONTH_AGES}) AS tcm_due_month_ages,
    toUInt8(notEmpty(tcm_due_month_ages) AND arrayAll(m -> arrayExists(d -> ifNull(d >= addMonths(addMonths(p.birth_date, m), -1)
      AND d <= addMonths(addMonths(p.birth_date, m), 1), 0), p.tcm_guidance_days), tcm_due_month_ages)) AS child_tcm_all_due_met,
    -- Delivered in the year: a live-birth delivery record, or without one a postpartum visit's delivery date.
    if(p.delivery_recorded_on IS NOT NULL, p.delivery_recorded_on, p.visit_delivered_on) AS delivered_on,
    toUInt8(delivered_on IS NOT NULL) AS delivered_in_year,
    -- The pregnancy's first prenatal visit: the earliest first_prenatal within ${PREGNANCY_DAYS} days before delivery.
    arraySort(v -> (v.1, v.3), arrayFilter(v -> ifNull(dateDiff('day', v.1, assumeNotNull(delivered_on)) BETWEEN 0 AND ${PREGNANCY_DAYS}, 0), p.first_prenatal_visits)) AS pregnancy_first_prenatals,
    if(delivered_on IS NULL OR empty(pregnancy_first_prenatals), NULL, pregnancy_first_prenatals[1].2) AS first_prenatal_weeks,
    -- Postpartum: face-to-face visits, days after discharge (the delivery record's, else the visit's, else the delivery date).
    arrayFilter(x -> ifNull(x >= 0, 0), arrayMap(v -> dateDiff('day', assumeNotNull(coalesce(if(p.delivery_recorded_on IS NOT NULL, p.delivery_discharged_on, NULL), v.2, delivered_on)), v.1), p.postpartum_visits)) AS postpartum_offsets,
    if(delivered_on IS NULL OR empty(postpartum_offsets), NULL, assumeNotNull(arrayMin(postpartum_offsets))) AS postpartum_visit_days_after_discharge,
    age('year', p.birth_date, {eval_date:Date32}) AS age_at_eval,
    age('year', p.birth_date, {year_end:Date32}) AS age_at_year_end,
    toYear(p.birth_date) AS birth_year,
    if(ifNull(age('year', p.birth_date, {eval_date:Date32}) < ${CHILD_AGE_LIMIT}, 0), {child_mask:UInt32}, {basic_mask:UInt32}) AS required_mask,
    bitCount(bitAnd(required_mask, bitNot(p.answered_mask))) AS missing_basic_fields
  FROM person_rows AS p
)`,
  columns: {
    active_archive: { type: 'UInt8', description: '1 when the person has an established archive that is open on the evaluation date (and is not dead)' },
    active_electronic_archive: { type: 'UInt8', description: 'as active_archive, with an archive not declared paper' },
    open_archives: { type: 'Int64', description: 'open archives (more than 1 = duplicate archives)' },
    dynamic_records_12m: { type: 'Int64', description: 'health checks, follow-ups, services and deliveries dated in the 12 months up to the evaluation date' },
    health_checks_in_year: { type: 'Int64', description: 'health checks in the year up to the evaluation date' },
    complete_elderly_check_in_year: { type: 'UInt8', description: '1 with an elderly_annual check in the year whose form is complete, on or after the archive was established' },
    elderly_tcm_in_year: { type: 'UInt8', description: '1 with a TCM constitution assessment and TCM guidance in the year (any records)' },
    age_at_first_child_visit_in_year: { type: 'Int64', description: 'age at the first face-to-face child health visit in the year (NULL when none)' },
    newborn_visit_days_after_discharge: { type: 'Int64', description: "fewest days from a home newborn visit's discharge date to the visit (visits with a discharge date)" },
    newborn_visit_days_after_birth: { type: 'Int64', description: 'fewest days from birth to a home newborn visit without a discharge date' },
    child_tcm_all_due_met: { type: 'UInt8', description: '1 when month-ages 6…36 fall in the year and TCM guidance came within ±1 month of each' },
    delivered_in_year: { type: 'UInt8', description: '1 when the woman delivered a live birth in the year' },
    first_prenatal_weeks: { type: 'Int64', description: "gestational weeks at the first prenatal visit of the year's pregnancy (NULL when none or missing)" },
    postpartum_visit_days_after_discharge: { type: 'Int64', description: 'fewest days from discharge to a face-to-face postpartum visit' },
    age_at_eval: { type: 'Int64', description: 'age in whole years on the evaluation date' },
    age_at_year_end: { type: 'Int64', description: 'age in whole years on 31 December of the year' },
    birth_year: { type: 'Int64', description: 'year of birth' },
    missing_basic_fields: { type: 'Int64', description: 'basic-information fields missing (the reduced set for children under 7)' },
  },
};

// Per (person, program). Visits are distinct days; face-to-face = clinic or home.
const PATIENT_PROGRAM = `patient_program AS (
  SELECT person_key, program,
    maxIf(event_date, type = 'program.enrolled' AND by_eval) AS enrolled_on,
    groupArrayIf(event_date, type = 'program.enrolled' AND by_eval) AS enrolment_days,
    maxIf(event_date, type = 'program.exited' AND by_eval) AS exited_on,
    maxIf(event_date, type = 'program.exited' AND by_eval AND event_date < {year_start:Date32}) AS exited_before_year_on,
    maxIf(event_date, type = 'program.exited' AND ${IN_YEAR}) AS exited_in_year_on,
    maxIf(event_date, type = 'program.enrolled' AND ${IN_YEAR}) AS notified_in_year_on,
    -- A course ended in the year as completed or cured (TB).
    maxIf(event_date, type = 'program.exited' AND ${IN_YEAR} AND kind IN ('completed', 'cured')) AS course_ended_on,
    uniqExactIf(event_date, ${FOLLOWUP} AND ${IN_YEAR}) AS followup_days_in_year,
    uniqExactIf(event_date, ${FOLLOWUP} AND ${IN_YEAR} AND ${FACE_TO_FACE}) AS face_to_face_days_in_year,
    groupArrayIf(event_date, ${FOLLOWUP} AND ${FACE_TO_FACE} AND program = 'tuberculosis') AS tb_visit_days,
    maxIf(event_date, ${FOLLOWUP} AND by_eval) AS last_followup_on,
    -- In a tuple, so that a latest follow-up without a next date is not skipped for an older one's.
    tupleElement(argMaxIf(tuple(next_followup_on), ${ORDER}, ${FOLLOWUP} AND by_eval), 1) AS next_followup_given,
    -- The latest measured values: face-to-face follow-ups in the year carrying them.
    argMaxIf(tuple(bp_systolic, bp_diastolic, event_date), ${ORDER},
      ${FOLLOWUP} AND ${IN_YEAR} AND ${FACE_TO_FACE} AND bp_systolic IS NOT NULL AND bp_diastolic IS NOT NULL) AS latest_bp,
    countIf(${FOLLOWUP} AND ${IN_YEAR} AND ${FACE_TO_FACE} AND bp_systolic IS NOT NULL AND bp_diastolic IS NOT NULL) AS measured_bp_visits,
    argMaxIf(fasting_glucose, ${ORDER}, ${FOLLOWUP} AND ${IN_YEAR} AND ${FACE_TO_FACE} AND fasting_glucose IS NOT NULL) AS latest_glucose,
    countIf(${FOLLOWUP} AND ${IN_YEAR} AND ${FACE_TO_FACE} AND fasting_glucose IS NOT NULL) AS measured_glucose_visits,
    -- SMD: the latest follow-up of any method that carries a condition.
    argMaxIf(condition, ${ORDER}, ${FOLLOWUP} AND ${IN_YEAR} AND condition != '') AS latest_condition
  FROM ev_received WHERE program != ''
  GROUP BY person_key, program
)`;

// TB doses are summed once per visit day (any method): the latest record of a day stands for it.
const TB_COURSE_DOSES = `tb_visit_doses AS (
  SELECT person_key, event_date AS day, argMax(tuple(ifNull(doses_due, 0), ifNull(doses_taken, 0)), ${ORDER}) AS doses
  FROM ev WHERE ${FOLLOWUP} AND program = 'tuberculosis'
  GROUP BY person_key, day
),
tb_courses AS (
  SELECT person_key, course_ended_on,
    arrayMax(arrayFilter(d -> d <= course_ended_on, enrolment_days)) AS course_started_on
  FROM patient_program
  WHERE program = 'tuberculosis' AND course_ended_on IS NOT NULL AND notEmpty(arrayFilter(d -> d <= course_ended_on, enrolment_days))
),
tb_course_doses AS (
  SELECT c.person_key AS person_key, sum(d.doses.1) AS doses_due, sum(d.doses.2) AS doses_taken
  FROM tb_courses AS c INNER JOIN tb_visit_doses AS d ON d.person_key = c.person_key
  WHERE d.day >= c.course_started_on AND d.day <= c.course_ended_on
  GROUP BY c.person_key
)`;

export const patientSubject: Subject = {
  id: 'patient',
  sql: `WITH
${EVENT_LOG},
${ARCHIVE_STATE},
${PERSON_FACTS},
${PERSON_ARCHIVES},
${PERSON_ROWS},
${PATIENT_PROGRAM},
${TB_COURSE_DOSES},
subject AS (
  SELECT p.person_key AS person_key, p.program AS program, b.division_code AS division_code,
    b.institution_code AS institution_code, b.birth_date AS birth_date, b.death_date AS death_date,
    -- Managed in the year: enrolled by the evaluation date, no exit before 1 Jan not followed by a
    -- re-enrolment. Death or moving out during the year keeps them in; only an exit takes them out.
    toUInt8(p.enrolled_on IS NOT NULL AND (p.exited_before_year_on IS NULL OR p.enrolled_on > p.exited_before_year_on)) AS under_management,
    toUInt8(p.notified_in_year_on IS NOT NULL) AS enrolled_in_year,
    -- Managed on the evaluation date (overdue lists): not exited since the latest enrolment, alive, not moved away.
    toUInt8(p.enrolled_on IS NOT NULL AND (p.exited_on IS NULL OR p.exited_on < p.enrolled_on)
      AND b.death_date IS NULL AND (b.open_archives > 0 OR b.archive_records = 0)) AS managed_now,
    p.enrolled_on AS enrolled_on,
    p.last_followup_on AS last_followup_on,
    p.next_followup_given AS next_followup_given,
    p.followup_days_in_year AS followup_days_in_year,
    p.face_to_face_days_in_year AS face_to_face_days_in_year,
    -- Calendar months of the year under management: from the enrolment month (or January) to the exit
    -- month (or the evaluation month).
    toMonth(if(p.exited_in_year_on IS NOT NULL AND p.exited_in_year_on >= p.enrolled_on, p.exited_in_year_on, {eval_date:Date32}))
      - toMonth(greatest(p.enrolled_on, {year_start:Date32})) + 1 AS months_managed_in_year,
    -- Face-to-face days per 12 months managed: ≥ N ⟺ days ≥ ⌈N × months / 12⌉ (the prorate rule).
    if(months_managed_in_year > 0, p.face_to_face_days_in_year * 12 / months_managed_in_year, NULL) AS face_to_face_days_annualised,
    b.health_checks_in_year AS health_checks_in_year,
    if(p.measured_bp_visits > 0, tupleElement(p.latest_bp, 1), NULL) AS latest_sbp,
    if(p.measured_bp_visits > 0, tupleElement(p.latest_bp, 2), NULL) AS latest_dbp,
    if(p.measured_bp_visits > 0, age('year', b.birth_date, tupleElement(p.latest_bp, 3)), NULL) AS age_at_latest_bp,
    if(p.measured_glucose_visits > 0, p.latest_glucose, NULL) AS latest_fasting_glucose,
    p.latest_condition AS latest_condition,
    -- TB: days from notification to the first face-to-face visit on or after it (any received).
    if(p.notified_in_year_on IS NULL OR empty(arrayFilter(d -> d >= p.notified_in_year_on, p.tb_visit_days)), NULL,
       dateDiff('day', assumeNotNull(p.notified_in_year_on), arrayMin(arrayFilter(d -> d >= p.notified_in_year_on, p.tb_visit_days)))) AS days_to_first_visit,
    toUInt8(p.course_ended_on IS NOT NULL) AS course_ended_in_year,
    if(p.program = 'tuberculosis', ifNull(c.doses_due, 0), 0) AS course_doses_due,
    if(p.program = 'tuberculosis', ifNull(c.doses_taken, 0), 0) AS course_doses_taken,
    if(course_doses_due > 0, course_doses_taken / course_doses_due, NULL) AS course_doses_ratio
  FROM patient_program AS p
  INNER JOIN person_rows AS b ON b.person_key = p.person_key
  LEFT JOIN tb_course_doses AS c ON c.person_key = p.person_key
)`,
  columns: {
    program: { type: 'String', description: 'the key-population program' },
    under_management: { type: 'UInt8', description: '1 when enrolled by the evaluation date and not exited before 1 January (re-enrolment after an exit counts)' },
    enrolled_in_year: { type: 'UInt8', description: '1 with an enrolment in the year (TB: notified in the year)' },
    followup_days_in_year: { type: 'Int64', description: 'distinct follow-up days of the program in the year, any method' },
    face_to_face_days_in_year: { type: 'Int64', description: 'distinct clinic or home follow-up days of the program in the year' },
    face_to_face_days_annualised: { type: 'Float64', description: 'face-to-face days × 12 / calendar months managed in the year (the prorated rule)' },
    health_checks_in_year: { type: 'Int64', description: 'health checks of the person in the year' },
    latest_sbp: { type: 'Float64', description: 'systolic pressure of the latest face-to-face follow-up in the year with both BP parts' },
    latest_dbp: { type: 'Float64', description: 'diastolic pressure of that follow-up' },
    age_at_latest_bp: { type: 'Int64', description: 'age at that follow-up' },
    latest_fasting_glucose: { type: 'Float64', description: 'fasting glucose (mmol/L) of the latest face-to-face follow-up in the year carrying one' },
    latest_condition: { type: 'String', description: 'SMD condition of the latest follow-up in the year carrying one, any method' },
    days_to_first_visit: { type: 'Int64', description: 'days from notification in the year to the first face-to-face visit on or after it (TB)' },
    course_ended_in_year: { type: 'UInt8', description: "1 when a course ended in the year as 'completed' or 'cured' (TB)" },
    course_doses_ratio: { type: 'Float64', description: 'doses taken / doses due over that course, once per visit day (TB)' },
  },
};

export const SUBJECTS = { person: personSubject, patient: patientSubject } as const;
export type SubjectId = keyof typeof SUBJECTS;

/** Where a subject's rows come from: derived from the event log (exact for any as_of), or the maintained state. */
export type SubjectSource = 'log' | 'state';

/** The maintained state's table of each subject (src/metrics/state/state-tables.ts). */
export const STATE_TABLE_OF: Record<SubjectId, string> = { person: 'person_state', patient: 'patient_state' };

/** Every link received by the cut-off, resolved as the subjects resolve them: `from_key → to_key`. */
export const PERSON_LINKS_SQL = `WITH ${LINKS} SELECT from_key, to_key FROM person_links`;

/**
 * The event log relations (`ev_received`, `ev`, `archive_state`) without a subject, for a query that
 * takes its `subject` rows from elsewhere (the worklist kept in the state reads the person state).
 */
export function eventLogRelations(): string {
  return `WITH\n${EVENT_LOG},\n${ARCHIVE_STATE}`;
}

/** CTEs ending in `subject`: the subject's SQL over the log, or a read of the maintained state of the year. */
export function subjectRelation(subject: SubjectId, source: SubjectSource): string {
  if (source === 'log') return SUBJECTS[subject].sql;
  return `WITH subject AS (SELECT * FROM ${STATE_TABLE_OF[subject]} FINAL WHERE year = {year:UInt16})`;
}

/**
 * Inside the region: a person's region (latest residence, DOMAIN.md) lies in it; people with no
 * residence on any record count in the county total, in a group of their own.
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
