-- subject: patient (subject-patient.sql)
SELECT substring(division_code, 1, 9) AS group_key,
  countIf(ifNull((1) AND (latest_dbp < {f2:Float64} AND ((age_at_latest_bp < {f3:Float64} AND latest_sbp < {f4:Float64}) OR (age_at_latest_bp >= {f5:Float64} AND latest_sbp < {f6:Float64}) OR (age_at_latest_bp IS NULL AND latest_sbp < {f7:Float64}))), 0)) AS numerator,
  countIf(ifNull(1, 0)) AS denominator
FROM subject
WHERE (startsWith(division_code, {region:String}) OR (division_code = '' AND {include_unlocated:UInt8} = 1)) AND ifNull(program = {f0:String} AND under_management = {f1:Float64}, 0)
GROUP BY group_key
ORDER BY group_key
-- params: {"f0":"hypertension","f1":1,"f2":90,"f3":65,"f4":140,"f5":65,"f6":150,"f7":140}
