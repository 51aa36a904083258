-- subject: person (subject-person.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull((1) AND (birth_year = {year:UInt16} AND (newborn_visit_days_after_discharge <= {i0_f0:Float64} OR newborn_visit_days_after_birth <= {i0_f1:Float64})), 0)) AS n0,
  countIf(ifNull(0, 0)) AS d0
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1))
GROUP BY group_key
ORDER BY group_key
-- params: {"i0_f0":7,"i0_f1":28}
