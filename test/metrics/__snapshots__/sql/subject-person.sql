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
    arrayFilter(m -> ifNull(toYear(addMonths(p.birth_date, m)) = {year:UInt16}, 0), [6, 12, 18, 24, 30, 36]) AS tcm_due_month_ages,
    toUInt8(notEmpty(tcm_due_month_ages) AND arrayAll(m -> arrayExists(d -> ifNull(d >= addMonths(addMonths(p.birth_date, m), -1)
      AND d <= addMonths(addMonths(p.birth_date, m), 1), 0), p.tcm_guidance_days), tcm_due_month_ages)) AS child_tcm_all_due_met,
    -- Delivered in the year: a live-birth delivery record, or without one a postpartum visit's delivery date.
    if(p.delivery_recorded_on IS NOT NULL, p.delivery_recorded_on, p.visit_delivered_on) AS delivered_on,
    toUInt8(delivered_on IS NOT NULL) AS delivered_in_year,
    -- The pregnancy's first prenatal visit: the earliest first_prenatal within 300 days before delivery.
    arraySort(v -> (v.1, v.3), arrayFilter(v -> ifNull(dateDiff('day', v.1, assumeNotNull(delivered_on)) BETWEEN 0 AND 300, 0), p.first_prenatal_visits)) AS pregnancy_first_prenatals,
    if(delivered_on IS NULL OR empty(pregnancy_first_prenatals), NULL, pregnancy_first_prenatals[1].2) AS first_prenatal_weeks,
    -- Postpartum: face-to-face visits, days after discharge (the delivery record's, else the visit's, else the delivery date).
    arrayFilter(x -> ifNull(x >= 0, 0), arrayMap(v -> dateDiff('day', assumeNotNull(coalesce(if(p.delivery_recorded_on IS NOT NULL, p.delivery_discharged_on, NULL), v.2, delivered_on)), v.1), p.postpartum_visits)) AS postpartum_offsets,
    if(delivered_on IS NULL OR empty(postpartum_offsets), NULL, assumeNotNull(arrayMin(postpartum_offsets))) AS postpartum_visit_days_after_discharge,
    age('year', p.birth_date, {eval_date:Date32}) AS age_at_eval,
    age('year', p.birth_date, {year_end:Date32}) AS age_at_year_end,
    toYear(p.birth_date) AS birth_year,
    if(ifNull(age('year', p.birth_date, {eval_date:Date32}) < 7, 0), {child_mask:UInt32}, {basic_mask:UInt32}) AS required_mask,
    bitCount(bitAnd(required_mask, bitNot(p.answered_mask))) AS missing_basic_fields
  FROM person_rows AS p
)
