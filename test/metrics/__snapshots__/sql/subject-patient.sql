WITH
link_edges AS (
  SELECT linked_from AS from_key, argMax(person_key, (occurred_at, institution_code, event_id)) AS to_key
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
),
ev_received AS (
  SELECT e.* REPLACE (if(ifNull(l.to_key, '') != '', l.to_key, e.person_key) AS person_key),
    e.person_key AS identifier_key,
    toUInt8(ifNull(e.event_date <= {eval_date:Date32}, 1)) AS by_eval
  FROM events AS e FINAL
  LEFT JOIN person_links AS l ON l.from_key = e.person_key
  WHERE e.received_at <= {received_before:DateTime64(3, 'UTC')}
    AND ({buckets:UInt32} <= 1
      OR cityHash64(if(ifNull(l.to_key, '') != '', l.to_key, e.person_key)) % {buckets:UInt32} = {bucket:UInt32})
),
ev AS (SELECT * FROM ev_received WHERE by_eval),
archive_state AS (
  SELECT person_key, archive_no,
    minIf(event_date, type = 'archive.created') AS established_on,
    maxIf(event_date, type = 'archive.terminated') AS terminated_on,
    maxIf(event_date, type = 'archive.reopened') AS reopened_on,
    toUInt8(established_on IS NOT NULL AND (terminated_on IS NULL OR ifNull(reopened_on >= terminated_on, 0))) AS is_open,
    argMaxIf(medium, (occurred_at, institution_code, event_id), medium != '') AS medium,
    argMaxIf(if(type = 'archive.transferred', to_institution, institution_code), (occurred_at, institution_code, event_id),
      type IN ('archive.created', 'archive.updated', 'archive.transferred', 'archive.reopened')) AS holder,
    max((occurred_at, institution_code, event_id)) AS last_used
  FROM ev
  WHERE type IN ('archive.created', 'archive.updated', 'archive.terminated', 'archive.transferred', 'archive.reopened')
  GROUP BY person_key, archive_no
),
person_facts AS (
  SELECT person_key,
    -- Region: the latest residence on any record by the evaluation date, else the earliest of later records.
    argMaxIf(division_code, (occurred_at, institution_code, event_id), division_code != '' AND by_eval) AS division_by_eval,
    argMinIf(division_code, (occurred_at, institution_code, event_id), division_code != '' AND NOT by_eval) AS division_later,
    -- Facts of the newest identifier win (its ID carries birth date and sex), then the latest record.
    argMaxIf(birth_date, (identifier_key = person_key, (occurred_at, institution_code, event_id)), birth_date IS NOT NULL) AS birth_date,
    argMaxIf(institution_code, (occurred_at, institution_code, event_id), by_eval) AS last_serving_institution,
    maxIf(event_date, by_eval AND type = 'archive.terminated' AND kind = 'death') AS last_death_on,
    maxIf(event_date, by_eval AND type = 'archive.reopened') AS last_reopened_on,
    groupBitOrIf(answered_fields, by_eval AND (type IN ('archive.created', 'archive.updated') OR (type = 'followup.recorded' AND (program = 'child' OR visit_kind IN ('newborn_home_visit', 'well_child_check')) AND method IN ('clinic', 'home')))) AS answered_mask,
    countIf(by_eval AND type IN ('health_check.recorded', 'followup.recorded', 'service.recorded', 'delivery.recorded')
      AND event_date > addMonths({eval_date:Date32}, -12)) AS dynamic_records_12m,
    countIf(by_eval AND event_date >= {year_start:Date32} AND type = 'health_check.recorded') AS health_checks_in_year,
    maxIf(event_date, by_eval AND event_date >= {year_start:Date32} AND type = 'health_check.recorded' AND kind = 'elderly_annual'
      AND bitAnd(service_items, {elderly_form_mask:UInt32}) = {elderly_form_mask:UInt32}) AS last_complete_elderly_check_on,
    countIf(by_eval AND event_date >= {year_start:Date32} AND bitTest(service_items, {tcm_constitution_bit:UInt8})) AS tcm_constitutions_in_year,
    countIf(by_eval AND event_date >= {year_start:Date32} AND bitTest(service_items, {tcm_guidance_bit:UInt8})) AS tcm_guidance_in_year,
    groupArrayIf(event_date, by_eval AND type = 'followup.recorded' AND (program = 'child' OR visit_kind IN ('newborn_home_visit', 'well_child_check')) AND method IN ('clinic', 'home')) AS child_visit_days,
    -- Cohort windows may end after the evaluation date: these read every received record.
    groupArrayIf(event_date, bitTest(service_items, {tcm_guidance_bit:UInt8})) AS tcm_guidance_days,
    groupArrayIf(tuple(event_date, discharged_on), type = 'followup.recorded' AND visit_kind = 'newborn_home_visit' AND method = 'home') AS newborn_home_visits,
    maxIf(event_date, type = 'delivery.recorded' AND kind = 'live_birth' AND by_eval AND event_date >= {year_start:Date32}) AS delivery_recorded_on,
    argMaxIf(discharged_on, (event_date, (occurred_at, institution_code, event_id)), type = 'delivery.recorded' AND kind = 'live_birth' AND by_eval AND event_date >= {year_start:Date32}) AS delivery_discharged_on,
    maxIf(delivered_on, type = 'followup.recorded' AND visit_kind IN ('postpartum_visit', 'postpartum_42d') AND delivered_on >= {year_start:Date32} AND delivered_on <= least({year_end:Date32}, {eval_date:Date32})) AS visit_delivered_on,
    groupArrayIf(tuple(event_date, discharged_on), type = 'followup.recorded' AND visit_kind IN ('postpartum_visit', 'postpartum_42d') AND method IN ('clinic', 'home')) AS postpartum_visits,
    groupArrayIf(tuple(event_date, gestational_weeks, (occurred_at, institution_code, event_id)), type = 'followup.recorded' AND visit_kind = 'first_prenatal' AND by_eval) AS first_prenatal_visits
  FROM ev_received GROUP BY person_key
),
person_archives AS (
  SELECT person_key,
    countIf(established_on IS NOT NULL) AS archive_records,
    countIf(is_open = 1) AS open_archives,
    max(is_open = 1 AND medium != 'paper') AS has_open_electronic,
    min(established_on) AS first_established_on,
    groupArrayIf(tuple(holder, last_used, archive_no), is_open = 1) AS open_holders,
    argMax(holder, last_used) AS last_holder
  FROM archive_state
  GROUP BY person_key
),
person_rows AS (
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
    arrayFilter(d -> ifNull(age('year', f.birth_date, d) < 7, 0), f.child_visit_days) AS child_establishing_visits,
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
),
patient_program AS (
  SELECT person_key, program,
    maxIf(event_date, type = 'program.enrolled' AND by_eval) AS enrolled_on,
    groupArrayIf(event_date, type = 'program.enrolled' AND by_eval) AS enrolment_days,
    maxIf(event_date, type = 'program.exited' AND by_eval) AS exited_on,
    maxIf(event_date, type = 'program.exited' AND by_eval AND event_date < {year_start:Date32}) AS exited_before_year_on,
    maxIf(event_date, type = 'program.exited' AND by_eval AND event_date >= {year_start:Date32}) AS exited_in_year_on,
    maxIf(event_date, type = 'program.enrolled' AND by_eval AND event_date >= {year_start:Date32}) AS notified_in_year_on,
    -- A course ended in the year as completed or cured (TB).
    maxIf(event_date, type = 'program.exited' AND by_eval AND event_date >= {year_start:Date32} AND kind IN ('completed', 'cured')) AS course_ended_on,
    uniqExactIf(event_date, type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32}) AS followup_days_in_year,
    uniqExactIf(event_date, type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home')) AS face_to_face_days_in_year,
    groupArrayIf(event_date, type = 'followup.recorded' AND method IN ('clinic', 'home') AND program = 'tuberculosis') AS tb_visit_days,
    maxIf(event_date, type = 'followup.recorded' AND by_eval) AS last_followup_on,
    -- In a tuple, so that a latest follow-up without a next date is not skipped for an older one's.
    tupleElement(argMaxIf(tuple(next_followup_on), (occurred_at, institution_code, event_id), type = 'followup.recorded' AND by_eval), 1) AS next_followup_given,
    -- The latest measured values: face-to-face follow-ups in the year carrying them.
    argMaxIf(tuple(bp_systolic, bp_diastolic, event_date), (occurred_at, institution_code, event_id),
      type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home') AND bp_systolic IS NOT NULL AND bp_diastolic IS NOT NULL) AS latest_bp,
    countIf(type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home') AND bp_systolic IS NOT NULL AND bp_diastolic IS NOT NULL) AS measured_bp_visits,
    argMaxIf(fasting_glucose, (occurred_at, institution_code, event_id), type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home') AND fasting_glucose IS NOT NULL) AS latest_glucose,
    countIf(type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND method IN ('clinic', 'home') AND fasting_glucose IS NOT NULL) AS measured_glucose_visits,
    -- SMD: the latest follow-up of any method that carries a condition.
    argMaxIf(condition, (occurred_at, institution_code, event_id), type = 'followup.recorded' AND by_eval AND event_date >= {year_start:Date32} AND condition != '') AS latest_condition
  FROM ev_received WHERE program != ''
  GROUP BY person_key, program
),
tb_visit_doses AS (
  SELECT person_key, event_date AS day, argMax(tuple(ifNull(doses_due, 0), ifNull(doses_taken, 0)), (occurred_at, institution_code, event_id)) AS doses
  FROM ev WHERE type = 'followup.recorded' AND program = 'tuberculosis'
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
),
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
)
