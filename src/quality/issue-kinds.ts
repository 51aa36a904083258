// The worklist kinds of DOMAIN.md "What supervisors check", each a SQL relation over the person
// subject's relations (`subject`, `ev`, `ev_received`, `archive_state`: see src/metrics/subjects.ts),
// with the same columns:
//   person_key, institution_code, division_code, archive_no, detail, on_date
// (detail is plain text for the supervisor; nothing in it is personal).

export interface IssueKind {
  kind: string;
  label_zh: string;
  label_en: string;
  sql: string;
  /**
   * Computed at read time and never kept per person, listed by the institution's region:
   * `institution` is about an institution, `event` about one received copy of an event.
   */
  scope?: 'institution' | 'event';
}

const DYNAMIC = "('health_check.recorded', 'followup.recorded', 'service.recorded')";

/** Events that carry one of the given quality warnings, one row per event. */
function warningKind(kind: string, label_zh: string, label_en: string, warning: string, detail: string): IssueKind {
  return {
    kind,
    label_zh,
    label_en,
    sql: `SELECT person_key, institution_code, division_code, archive_no, concat(${detail}, ' (', type, ' ', event_id, ')') AS detail, event_date AS on_date
      FROM ev WHERE has(warnings, '${warning}')`,
  };
}

export const ISSUE_KINDS: readonly IssueKind[] = [
  {
    kind: 'missing_basic_fields',
    label_zh: '基本信息缺项',
    label_en: 'missing basic fields',
    sql: `SELECT person_key, institution_code, division_code, '' AS archive_no,
        concat('缺项 missing: ', arrayStringConcat(arrayFilter((f, b) -> bitTest(required_mask, b) AND NOT bitTest(answered_mask, b), {field_names:Array(String)}, {field_bits:Array(UInt8)}), ', ')) AS detail,
        NULL AS on_date
      FROM subject WHERE active_archive = 1 AND missing_basic_fields > 0`,
  },
  warningKind('sex_conflicts_id', '性别与身份证号不符', 'sex disagrees with the ID number', 'sex_conflicts_id', "'性别与身份证号第17位不符'"),
  warningKind('birth_date_conflicts_id', '出生日期与身份证号不符', 'birth date disagrees with the ID number', 'birth_date_conflicts_id', "'出生日期与身份证号不符'"),
  warningKind('archive_no_malformed', '档案编号格式错误', 'archive number malformed', 'archive_no_malformed', "'档案编号应为17位数字'"),
  warningKind('archive_no_outside_region', '档案编号不属本辖区', 'archive number not of a community of the district', 'archive_no_outside_region', "'档案编号前12位不是本区村（居）委会代码'"),
  warningKind('archive_no_not_residence', '档案编号与现住址不符', "archive number not of the person's community", 'archive_no_not_residence', "concat('档案编号前12位与现住址 ', division_code, ' 不符')"),
  {
    kind: 'future_dated',
    label_zh: '服务日期晚于上报日期',
    label_en: 'record dated in the future',
    // Dated after the day it was received (the warning set at ingest), from all received events:
    // the indicators' event log stops at the evaluation date and would hide them.
    sql: `SELECT person_key, institution_code, division_code, archive_no, concat('服务日期晚于接收日期 (', type, ' ', event_id, ')') AS detail, event_date AS on_date
      FROM ev_received WHERE has(warnings, 'future_dated')`,
  },
  warningKind('moved_out_without_handover', '迁出未注明去向或交接', 'moved out without destination or handover', 'moved_out_without_handover', "'迁出终止档案未注明迁往地点或交接情况'"),
  {
    kind: 'service_after_death',
    label_zh: '死亡后仍有服务记录',
    label_en: 'services recorded after death',
    sql: `SELECT e.person_key AS person_key, e.institution_code AS institution_code, e.division_code AS division_code, e.archive_no AS archive_no,
        concat('死亡日期 ', toString(d.death_date), ' 之后的 ', e.type, ' ', e.event_id) AS detail, e.event_date AS on_date
      FROM ev AS e INNER JOIN (SELECT person_key, death_date FROM subject WHERE death_date IS NOT NULL) AS d ON d.person_key = e.person_key
      WHERE e.type IN ${DYNAMIC} AND e.event_date > d.death_date`,
  },
  {
    kind: 'duplicate_archive',
    label_zh: '重复建档',
    label_en: 'duplicate archives of one person',
    // 一人一档一属地: keep the archive held by the institution serving the person's latest
    // residence, else the most recently used; the others are to be merged into it.
    sql: `SELECT person_key, archives_by_preference[1].1 AS institution_code, division_code,
        arrayStringConcat(arrayMap(t -> t.2, archives_by_preference), ' ← ') AS archive_no,
        concat(toString(open_archives), ' 份有效档案，保留 ', archives_by_preference[1].2, '（', archives_by_preference[1].1, '），机构: ',
               arrayStringConcat(arrayDistinct(arrayMap(t -> t.1, archives_by_preference)), ', ')) AS detail,
        NULL AS on_date
      FROM subject WHERE open_archives > 1`,
  },
  {
    kind: 'archive_no_shared',
    label_zh: '档案编号重复使用',
    label_en: 'one archive number used by two people',
    sql: `SELECT arrayJoin(people) AS person_key, holder AS institution_code, '' AS division_code, archive_no,
        concat('档案编号被 ', toString(length(people)), ' 人使用') AS detail, established_on AS on_date
      FROM (
        SELECT archive_no, any(holder) AS holder, min(established_on) AS established_on, groupUniqArray(person_key) AS people
        FROM archive_state WHERE match(archive_no, '^[0-9]{17}$')
        GROUP BY archive_no HAVING length(people) > 1
      )`,
  },
  {
    kind: 'group_mismatch',
    label_zh: '人群分类不符',
    label_en: 'tagged into a group the person does not fit',
    // Ages are the indicators' parameters (min_patient_age, elderly_age), bound at run time.
    sql: `SELECT e.person_key AS person_key, e.institution_code AS institution_code, e.division_code AS division_code, e.archive_no AS archive_no,
        concat(e.program, if(e.type = 'health_check.recorded', ' 老年人体检', ' 纳入管理'), '，年龄 ', toString(age('year', b.birth_date, e.event_date))) AS detail,
        e.event_date AS on_date
      FROM ev AS e INNER JOIN subject AS b ON b.person_key = e.person_key
      WHERE (e.type = 'program.enrolled' AND e.program IN ('hypertension', 'diabetes') AND age('year', b.birth_date, e.event_date) < {min_chronic_age:UInt8})
         OR (e.type = 'program.enrolled' AND e.program = 'elderly' AND age('year', b.birth_date, e.event_date) < {elderly_age:UInt8})
         OR (e.type = 'health_check.recorded' AND e.kind = 'elderly_annual' AND age('year', b.birth_date, e.event_date) < {elderly_age:UInt8})`,
  },
  {
    kind: 'no_dynamic_record',
    label_zh: '12个月无动态记录（死档）',
    label_en: 'no dynamic record for 12 months',
    sql: `SELECT person_key, institution_code, division_code, '' AS archive_no, '近12个月无体检、随访或其他服务记录' AS detail, NULL AS on_date
      FROM subject WHERE active_archive = 1 AND dynamic_records_12m = 0`,
  },
  {
    kind: 'institution_silent',
    label_zh: '机构停止上报',
    label_en: 'institution stopped sending events',
    scope: 'institution',
    // The rule of GET /v1/quality/freshness (src/jobs/institution-freshness.ts): every stored copy
    // received by the cut-off counts as sending, stale from stale_days days on.
    sql: `SELECT '' AS person_key, institution_code, '' AS division_code, '' AS archive_no,
        concat('最后接收 ', toString(toDate(max(received_at), 'Asia/Shanghai')), '，已 ', toString(dateDiff('day', toDate(max(received_at), 'Asia/Shanghai'), {eval_date:Date32})), ' 天无数据') AS detail,
        toDate32(toDate(max(received_at), 'Asia/Shanghai')) AS on_date
      FROM events WHERE received_at <= {received_before:DateTime64(3, 'UTC')} GROUP BY institution_code
      HAVING dateDiff('day', toDate(max(received_at), 'Asia/Shanghai'), {eval_date:Date32}) >= {stale_days:UInt16}`,
  },
  {
    kind: 'event_id_conflict',
    label_zh: '事件编号重复且内容不同',
    label_en: 'event id sent again with another content',
    scope: 'event',
    // Per received copy (src/store/event-conflicts.ts): the first received copy stays the one
    // counted; the other is not kept, so the fact lives in its own table, not in the person state.
    sql: `SELECT '' AS person_key, institution_code, '' AS division_code, '' AS archive_no,
        concat('事件 ', event_id, ' 再次上报但内容不同，保留首次接收的版本 (', message, '; ', source, ')') AS detail,
        toDate32(toDate(received_at, 'Asia/Shanghai')) AS on_date
      FROM event_conflicts FINAL WHERE received_at <= {received_before:DateTime64(3, 'UTC')}`,
  },
];

export const ISSUE_KIND_IDS = ISSUE_KINDS.map((k) => k.kind);
