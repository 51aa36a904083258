-- subject: patient (subject-patient.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull(((program = {i0_f0:String} AND enrolled_in_year = {i0_f1:Float64}) AND (1)) AND ((days_to_first_visit IS NOT NULL)), 0)) AS n0,
  countIf(ifNull((program = {i0_f0:String} AND enrolled_in_year = {i0_f1:Float64}) AND (1), 0)) AS d0
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1))
GROUP BY group_key
ORDER BY group_key
-- params: {"i0_f0":"tuberculosis","i0_f1":1}
