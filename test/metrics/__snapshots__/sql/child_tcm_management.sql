-- subject: person (subject-person.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull((1) AND (child_tcm_all_due_met = {i0_f0:Float64}), 0)) AS n0,
  countIf(ifNull(0, 0)) AS d0
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1))
GROUP BY group_key
ORDER BY group_key
-- params: {"i0_f0":1}
