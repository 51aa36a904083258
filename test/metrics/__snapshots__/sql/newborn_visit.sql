-- subject: person (subject-person.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull(birth_year = {year:UInt16} AND (newborn_visit_days_after_discharge <= {f0:Float64} OR newborn_visit_days_after_birth <= {f1:Float64}), 0)) AS numerator,
  countIf(ifNull(0, 0)) AS denominator
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1)) AND ifNull(1, 0)
GROUP BY group_key
ORDER BY group_key
-- params: {"f0":7,"f1":28}
