-- subject: patient (subject-patient.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull(((program = {i0_f0:String} AND under_management = {i0_f1:Float64}) AND (1)) AND (latest_dbp < {i0_f2:Float64} AND ((age_at_latest_bp < {i0_f3:Float64} AND latest_sbp < {i0_f4:Float64}) OR (age_at_latest_bp >= {i0_f5:Float64} AND latest_sbp < {i0_f6:Float64}) OR (age_at_latest_bp IS NULL AND latest_sbp < {i0_f7:Float64}))), 0)) AS n0,
  countIf(ifNull((program = {i0_f0:String} AND under_management = {i0_f1:Float64}) AND (1), 0)) AS d0
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1))
GROUP BY group_key
ORDER BY group_key
-- params: {"i0_f0":"hypertension","i0_f1":1,"i0_f2":90,"i0_f3":65,"i0_f4":140,"i0_f5":65,"i0_f6":150,"i0_f7":140}
