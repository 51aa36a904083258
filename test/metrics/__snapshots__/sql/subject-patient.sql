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
patient_program AS (
  SELECT person_key, program,
    maxIf(event_date, type = 'program.enrolled') AS enrolled_on,
    maxIf(event_date, type = 'program.exited') AS exited_on,
    argMaxIf(kind, (event_date, (occurred_at, institution_code, event_id)), type = 'program.exited') AS exit_reason,
    sumIf(doses_due, type = 'followup.recorded') AS doses_due_total,
    sumIf(doses_taken, type = 'followup.recorded') AS doses_taken_total,
    countIf(type = 'followup.recorded' AND event_date >= {year_start:Date32}) AS followups_in_year,
    countIf(type = 'followup.recorded' AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home')) AS face_to_face_followups_in_year,
    maxIf(event_date, type = 'followup.recorded') AS last_followup_on,
    -- In a tuple, so that a latest follow-up without a next date is not skipped for an older one's.
    tupleElement(argMaxIf(tuple(next_followup_on), (event_date, (occurred_at, institution_code, event_id)), type = 'followup.recorded'), 1) AS next_followup_given,
    -- A tuple keeps NULL measurements of the latest follow-up (argMax alone would skip them).
    argMaxIf((bp_systolic, bp_diastolic, fasting_glucose, condition, event_date),
             (event_date, (occurred_at, institution_code, event_id)), type = 'followup.recorded' AND event_date >= {year_start:Date32}) AS latest
  FROM ev WHERE program != ''
  GROUP BY person_key, program
),
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
)
