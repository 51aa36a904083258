WITH
ev AS (
  SELECT * FROM events FINAL
  WHERE received_at <= {received_before:DateTime64(3, 'UTC')}
    AND ifNull(event_date <= {eval_date:Date32}, 1)
),
person_base AS (
  SELECT person_key,
    argMaxIf(division_code, (occurred_at, institution_code, event_id), division_code != '') AS division_code,
    argMaxIf(institution_code, (occurred_at, institution_code, event_id), type IN ('archive.created', 'archive.updated')) AS archiving_institution,
    -- Without an archive record, the institution that served the person last.
    if(archiving_institution != '', archiving_institution, argMax(institution_code, (occurred_at, institution_code, event_id))) AS archive_institution,
    argMaxIf(birth_date, (occurred_at, institution_code, event_id), birth_date IS NOT NULL) AS birth_date,
    minIf(event_date, type = 'archive.terminated' AND kind = 'death') AS death_date,
    countIf(type IN ('health_check.recorded', 'followup.recorded', 'service.recorded') AND event_date > addMonths({eval_date:Date32}, -12)) AS dynamic_records_12m,
    countIf(type = 'health_check.recorded' AND event_date >= {year_start:Date32}) AS health_checks_in_year,
    countIf(type = 'followup.recorded' AND program = 'child' AND event_date >= {year_start:Date32}) AS child_followups_in_year,
    countIf(type = 'followup.recorded' AND visit_kind = 'newborn_home_visit') AS newborn_visits,
    minIf(gestational_weeks, type = 'followup.recorded' AND visit_kind = 'first_prenatal' AND event_date >= {year_start:Date32}) AS first_prenatal_weeks_in_year,
    countIf(type = 'followup.recorded' AND visit_kind = 'postpartum_visit' AND event_date >= {year_start:Date32}) AS postpartum_visits_in_year
  FROM ev GROUP BY person_key
),
archive_state AS (
  SELECT person_key, archive_no,
    minIf(event_date, type = 'archive.created') AS established_on,
    minIf(event_date, type = 'archive.terminated') AS terminated_on,
    argMaxIf(medium, (occurred_at, institution_code, event_id), medium != '') AS medium,
    argMinIf(institution_code, (occurred_at, institution_code, event_id), type = 'archive.created') AS archive_institution
  FROM ev WHERE type IN ('archive.created', 'archive.updated', 'archive.terminated')
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
),
person_fields AS (
  SELECT person_key, groupBitOr(answered_fields) AS answered_mask
  FROM ev WHERE type IN ('archive.created', 'archive.updated')
  GROUP BY person_key
),
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
)
