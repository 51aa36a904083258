-- subject: patient (subject-patient.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull((1) AND (followup_days_in_year >= {f2:Float64}), 0)) AS numerator,
  countIf(ifNull(1, 0)) AS denominator
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1)) AND ifNull(program = {f0:String} AND under_management = {f1:Float64}, 0)
GROUP BY group_key
ORDER BY group_key
-- params: {"f0":"severe_mental_disorder","f1":1,"f2":4}
