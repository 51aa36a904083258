// Phone-verification samples (DOMAIN.md: annual assessments sample ≥ 20 archives per service and
// verify them by phone). The draw is ORDER BY cityHash64(person_key, seed): the same data and seed
// give the same people, so a team can show how its sample was drawn. Only masked fields leave.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Division } from '../reference/divisions.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { toCsv } from './spreadsheet.js';
import { DigitsAsText } from './spreadsheet-cells.js';
import { periodParams } from './evaluate.js';
import type { EvaluationPeriod } from './evaluation-period.js';
import { type CompiledQuery, compileCohort } from './compile.js';
import type { Indicator } from './indicator-schema.js';
import { inRegion, SUBJECTS } from './subjects.js';

interface SampleFrame {
  name_zh: string;
  /** who may be drawn: the people of this indicator's numerator or denominator (one rule with the figure) */
  indicator: string;
  draw_from: 'numerator' | 'denominator';
  /** which events count as this service when showing the last service date */
  service_events: string;
}

const program = (name: string, indicator: string): Pick<SampleFrame, 'indicator' | 'draw_from' | 'service_events'> => ({
  // Under management in the year: the management indicator's denominator.
  indicator,
  draw_from: 'denominator',
  service_events: `type = 'followup.recorded' AND program = '${name}'`,
});

// Services defined by a population rather than an enrolment (elderly, child, maternal) sample the
// people served in the year, the indicator's numerator: it is the recorded service that the phone call verifies.
export const SAMPLE_SERVICES = {
  archive: {
    name_zh: '居民健康档案管理',
    indicator: 'archive_coverage',
    draw_from: 'numerator',
    service_events: "type IN ('health_check.recorded', 'followup.recorded', 'service.recorded', 'delivery.recorded')",
  },
  hypertension: { name_zh: '高血压患者健康管理', ...program('hypertension', 'hypertension_standard_management') },
  diabetes: { name_zh: '2型糖尿病患者健康管理', ...program('diabetes', 'diabetes_standard_management') },
  elderly: {
    name_zh: '老年人健康管理',
    indicator: 'elderly_health_management',
    draw_from: 'numerator',
    service_events: "type = 'health_check.recorded'",
  },
  child: {
    name_zh: '0～6岁儿童健康管理',
    indicator: 'child_health_management',
    draw_from: 'numerator',
    service_events: "type = 'followup.recorded' AND program = 'child'",
  },
  maternal: {
    name_zh: '孕产妇健康管理',
    indicator: 'postpartum_visit',
    draw_from: 'numerator',
    service_events: "type = 'followup.recorded' AND program = 'maternal'",
  },
  severe_mental_disorder: { name_zh: '严重精神障碍患者管理', ...program('severe_mental_disorder', 'smd_standard_management') },
  tuberculosis: { name_zh: '肺结核患者健康管理', ...program('tuberculosis', 'tb_management') },
} as const satisfies Record<string, SampleFrame>;

export type SampleService = keyof typeof SAMPLE_SERVICES;
export const SAMPLE_SERVICE_IDS = Object.keys(SAMPLE_SERVICES) as SampleService[];

const ORDER = '(occurred_at, institution_code, event_id)';

/** The draw for one service; `ev` (the event log as of the evaluation date) comes from the subject's CTEs. */
export function sampleSql(service: SampleService, catalogue: readonly Indicator[]): CompiledQuery {
  const frame: SampleFrame = SAMPLE_SERVICES[service];
  const indicator = catalogue.find((i) => i.id === frame.indicator);
  if (!indicator) throw new Error(`sample ${service}: indicator ${frame.indicator} is not in the catalogue`);
  const eligible = compileCohort(indicator, frame.draw_from);
  // A patient subject has a row per program: a person is drawn once.
  const sql = `${SUBJECTS[indicator.subject].sql},
eligible_people AS (
  SELECT person_key, any(division_code) AS region_code, any(institution_code) AS holder_code
  FROM subject
  WHERE ${inRegion()} AND ${eligible.sql}
  GROUP BY person_key
),
picked AS (
  SELECT person_key, region_code AS division_code, holder_code AS institution_code, count() OVER () AS eligible,
    cityHash64(person_key, {seed:UInt64}) AS draw
  FROM eligible_people
  ORDER BY draw, person_key
  LIMIT {size:UInt32}
),
details AS (
  SELECT person_key,
    -- The newest identifier's facts (a linked person is shown as they are known now).
    argMaxIf(id_masked, (identifier_key = person_key, ${ORDER}), id_masked != '') AS latest_id_masked,
    argMaxIf(name_masked, ${ORDER}, name_masked != '') AS latest_name_masked,
    argMaxIf(sex, ${ORDER}, sex IS NOT NULL) AS latest_sex,
    argMaxIf(birth_date, (identifier_key = person_key, ${ORDER}), birth_date IS NOT NULL) AS latest_birth_date,
    argMaxIf(archive_no, ${ORDER}, archive_no != '') AS latest_archive_no,
    maxIf(event_date, ${frame.service_events}) AS last_service_on
  FROM ev
  WHERE person_key IN (SELECT person_key FROM picked)
  GROUP BY person_key
)
SELECT p.eligible AS eligible, d.latest_id_masked AS id_masked, d.latest_name_masked AS name_masked, d.latest_sex AS sex,
  age('year', d.latest_birth_date, {eval_date:Date32}) AS age,
  p.division_code AS community_code, p.institution_code AS institution_code, d.latest_archive_no AS archive_no,
  toString(d.last_service_on) AS last_service_on
FROM picked AS p
LEFT JOIN details AS d ON d.person_key = p.person_key
ORDER BY p.draw, p.person_key`;
  return { sql, params: eligible.params };
}

export interface SampleRow {
  id_masked: string;
  name_masked: string;
  sex: number | null;
  age: number | null;
  community_code: string;
  community_name: string;
  institution_code: string;
  institution_name: string;
  archive_no: string;
  last_service_on: string | null;
}

export interface PhoneSample {
  period: { year: number; evaluation_date: string; as_of: string | null };
  region: { code: string; name: string; level: string };
  seed: number;
  size: number;
  services: { service: SampleService; name_zh: string; eligible: number; rows: SampleRow[] }[];
}

interface DrawnRow {
  eligible: string;
  id_masked: string | null;
  name_masked: string | null;
  sex: number | null;
  age: number | null;
  community_code: string;
  institution_code: string;
  archive_no: string | null;
  last_service_on: string | null;
}

export async function drawPhoneSample(
  client: ClickHouseClient,
  reference: ReferenceData,
  catalogue: readonly Indicator[],
  options: { period: EvaluationPeriod; region: Division; services: readonly SampleService[]; size: number; seed: number },
): Promise<PhoneSample> {
  const { period, region, size, seed } = options;
  const services: PhoneSample['services'] = [];
  for (const service of options.services) {
    const draw = sampleSql(service, catalogue);
    const drawn = await queryRows<DrawnRow>(client, draw.sql, { ...periodParams(period, region.code, reference), ...draw.params, seed: String(seed), size });
    services.push({
      service,
      name_zh: SAMPLE_SERVICES[service].name_zh,
      eligible: Number(drawn[0]?.eligible ?? 0),
      // Fields are picked one by one at this boundary: nothing else the query returns can leak.
      rows: drawn.map((r) => ({
        id_masked: r.id_masked ?? '',
        name_masked: r.name_masked ?? '',
        sex: r.sex === null ? null : Number(r.sex),
        age: r.age === null ? null : Number(r.age),
        community_code: r.community_code,
        community_name: reference.divisions.get(r.community_code)?.name ?? '',
        institution_code: r.institution_code,
        institution_name: reference.institutions.get(r.institution_code)?.name ?? '',
        archive_no: r.archive_no ?? '',
        last_service_on: r.last_service_on || null,
      })),
    });
  }
  return {
    period: { year: period.year, evaluation_date: period.evalDate, as_of: period.asOf },
    region: { code: region.code, name: region.name, level: region.level },
    seed,
    size,
    services,
  };
}

const SEX_LABELS: Record<number, string> = { 0: '未知', 1: '男', 2: '女', 9: '未说明' };

export const SAMPLE_HEADER = ['服务', '身份证号(脱敏)', '姓名(脱敏)', '性别', '年龄', '社区代码', '社区名称', '机构代码', '机构名称', '档案编号', '最近服务日期'] as const;

export function phoneSampleCsv(sample: PhoneSample): string {
  return toCsv(
    SAMPLE_HEADER,
    sample.services.flatMap((s) =>
      s.rows.map((r) => [
        s.name_zh, r.id_masked, r.name_masked, r.sex === null ? '' : (SEX_LABELS[r.sex] ?? String(r.sex)), r.age,
        r.community_code, r.community_name, r.institution_code, r.institution_name,
        // Excel turns a bare 17-digit number into 5.00104E+16 and drops digits; ="…" keeps it text.
        /^\d{17}$/.test(r.archive_no) ? new DigitsAsText(r.archive_no) : r.archive_no, r.last_service_on,
      ]),
    ),
  );
}
