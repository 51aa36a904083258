// The indicator catalogue (DOMAIN.md "Indicators"). Each is a declaration for the one compiler.
// Sources: 《国家基本公共卫生服务规范（第三版）》(国卫基层发〔2017〕13号), its assessment indicators.
// Parameters marked (ours) in DOMAIN.md are parameters here, so a district changes them without code.
import { type Indicator, indicatorSchema } from './indicator-schema.js';

const SPEC = '《国家基本公共卫生服务规范（第三版）》(2017)';

/** DOMAIN.md: basic fields (ours) and the reduced set for children under 7. */
export const BASIC_FIELDS = [
  'name', 'sex', 'birth_date', 'id_number', 'phone', 'contact_name', 'contact_phone', 'residence_type', 'ethnicity',
  'blood_type', 'education', 'occupation', 'marital_status', 'payment_methods', 'address', 'division_code',
  'drug_allergies', 'past_history', 'family_history',
] as const;
export const CHILD_BASIC_FIELDS = ['name', 'sex', 'birth_date', 'id_number', 'address', 'division_code', 'contact_phone'] as const;

const activeArchive = { column: 'active_archive', op: '=', value: 1 } as const;
const program = (name: string) => [
  { column: 'program', op: '=', value: name } as const,
  { column: 'under_management', op: '=', value: 1 } as const,
];

const declarations: unknown[] = [
  {
    id: 'archive_coverage',
    name_zh: '健康档案建档率',
    name_en: 'Health archive coverage',
    subject: 'person',
    numerator: { description: '有有效（未终止）健康档案的人数 / people with an active archive', filters: [activeArchive] },
    denominator: { description: '辖区常住人口数 / resident population', population: 'resident_total' },
    target: null,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标`,
    formula_zh: '建档人数 / 辖区内常住居民数 × 100%',
  },
  {
    id: 'electronic_archive_coverage',
    name_zh: '电子健康档案建档率',
    name_en: 'Electronic health archive coverage',
    subject: 'person',
    numerator: { description: '有有效电子健康档案的人数 / people with an active electronic archive', filters: [{ column: 'active_electronic_archive', op: '=', value: 1 }] },
    denominator: { description: '辖区常住人口数 / resident population', population: 'resident_total' },
    target: 0.9,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标`,
    formula_zh: '建立电子健康档案人数 / 辖区内常住居民数 × 100%',
  },
  {
    id: 'archive_usage',
    name_zh: '健康档案使用率',
    name_en: 'Health archive usage',
    subject: 'person',
    where: [activeArchive],
    numerator: {
      description: '近12个月内有动态记录（体检、随访、其他服务记录）的档案数 / archives with a dynamic record in the 12 months up to the evaluation date (archive edits alone do not count)',
      filters: [{ column: 'dynamic_records_12m', op: '>=', param: 'min_dynamic_records' }],
    },
    denominator: { description: '有效档案数 / active archives', filters: [] },
    parameters: { min_dynamic_records: 1 },
    target: 0.6,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标`,
    formula_zh: '档案中有动态记录的档案份数 / 档案总份数 × 100%',
  },
  {
    id: 'archive_completeness',
    name_zh: '档案完整率',
    name_en: 'Archive completeness',
    subject: 'person',
    where: [activeArchive],
    numerator: { description: '基本信息无缺项的有效档案数 / active archives with no basic field missing', filters: [{ column: 'missing_basic_fields', op: '=', value: 0 }] },
    denominator: { description: '有效档案数 / active archives', filters: [] },
    target: 0.9,
    source: `${SPEC} 填表说明; basic-field list (ours) after vendor systems' not-null lists`,
    formula_zh: '基本信息项目填写完整的档案数 / 有效档案数 × 100%',
  },
  ...(['hypertension', 'diabetes'] as const).map((name) => ({
    id: `${name}_standard_management`,
    name_zh: name === 'hypertension' ? '高血压患者规范管理率' : '2型糖尿病患者规范管理率',
    name_en: name === 'hypertension' ? 'Hypertension standard management' : 'Type 2 diabetes standard management',
    subject: 'patient',
    where: program(name),
    numerator: {
      description: '年内面对面（门诊、家庭）随访≥4次的管理患者数 / managed patients with ≥ 4 face-to-face follow-ups in the year',
      filters: [{ column: 'face_to_face_followups_in_year', op: '>=', param: 'min_face_to_face_followups' }],
    },
    denominator: { description: '年内管理的患者数 / patients under management in the year', filters: [] },
    parameters: { min_face_to_face_followups: 4 },
    target: 0.6,
    source: `${SPEC} ${name === 'hypertension' ? '高血压' : '2型糖尿病'}患者健康管理服务规范·考核指标`,
    formula_zh: '按照规范要求进行管理的患者人数 / 年内已管理的患者人数 × 100%',
  })),
  {
    id: 'hypertension_bp_control',
    name_zh: '管理人群血压控制率',
    name_en: 'Blood pressure control among managed patients',
    subject: 'patient',
    where: program('hypertension'),
    numerator: {
      description: '年内最近一次随访血压达标（<140/90 mmHg；65岁及以上 <150/90 mmHg）的人数；年内无随访按未达标 / latest follow-up in the year below 140/90 (150/90 from 65)',
      filters: [
        { column: 'latest_dbp', op: '<', param: 'dbp_limit' },
        {
          any: [
            { all: [{ column: 'age_at_latest_followup', op: '<', param: 'elderly_age' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit' }] },
            { all: [{ column: 'age_at_latest_followup', op: '>=', param: 'elderly_age' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit_elderly' }] },
            // Age unknown (no birth date): the stricter limit applies.
            { all: [{ column: 'age_at_latest_followup', op: 'is_null' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit' }] },
          ],
        },
      ],
    },
    denominator: { description: '年内管理的高血压患者数 / patients under management in the year', filters: [] },
    parameters: { sbp_limit: 140, sbp_limit_elderly: 150, dbp_limit: 90, elderly_age: 65 },
    target: 0.4,
    source: `${SPEC} 高血压患者健康管理服务规范·考核指标`,
    formula_zh: '年内最近一次随访血压达标人数 / 年内已管理的高血压患者人数 × 100%',
  },
  {
    id: 'diabetes_glucose_control',
    name_zh: '血糖控制率',
    name_en: 'Glucose control among managed patients',
    subject: 'patient',
    where: program('diabetes'),
    numerator: {
      description: '年内最近一次随访空腹血糖 <7.0 mmol/L 的人数 / latest follow-up in the year with fasting glucose below 7.0 mmol/L',
      filters: [{ column: 'latest_fasting_glucose', op: '<', param: 'glucose_limit' }],
    },
    denominator: { description: '年内管理的2型糖尿病患者数 / patients under management in the year', filters: [] },
    parameters: { glucose_limit: 7.0 },
    target: 0.35,
    source: `${SPEC} 2型糖尿病患者健康管理服务规范·考核指标`,
    formula_zh: '年内最近一次随访空腹血糖达标人数 / 年内已管理的2型糖尿病患者人数 × 100%',
  },
  {
    id: 'elderly_health_management',
    name_zh: '老年人健康管理率',
    name_en: 'Elderly health management',
    subject: 'person',
    numerator: {
      description: '当年12月31日满65岁、档案有效且年内接受健康体检的人数 / people aged ≥ 65 on 31 Dec with an active archive and a health check in the year',
      filters: [
        { column: 'age_at_year_end', op: '>=', param: 'elderly_age' },
        activeArchive,
        { column: 'health_checks_in_year', op: '>=', value: 1 },
      ],
    },
    denominator: { description: '辖区65岁及以上常住人口数 / residents aged 65+', population: 'aged_65_plus' },
    parameters: { elderly_age: 65 },
    target: 0.65,
    source: `${SPEC} 老年人健康管理服务规范·考核指标`,
    formula_zh: '年内接受健康管理人数 / 年内辖区内65岁及以上常住居民数 × 100%',
  },
  {
    id: 'newborn_visit',
    name_zh: '新生儿访视率',
    name_en: 'Newborn home visits',
    subject: 'person',
    numerator: {
      description: '当年出生且接受新生儿家庭访视的人数 / children born in the year with a newborn home visit',
      filters: [{ column: 'birth_year', op: '=', param: 'year' }, { column: 'newborn_visits', op: '>=', value: 1 }],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    target: 0.85,
    source: `${SPEC} 0～6岁儿童健康管理服务规范·考核指标`,
    formula_zh: '年度辖区内按照规范要求接受1次及以上访视的新生儿人数 / 年度辖区内活产数 × 100%',
  },
  {
    id: 'child_health_management',
    name_zh: '儿童健康管理率',
    name_en: 'Child health management (0–6)',
    subject: 'person',
    numerator: {
      description: '0～6岁且年内接受1次及以上随访的儿童数 / children aged 0–6 with a child follow-up in the year',
      filters: [{ column: 'age_at_eval', op: '<=', param: 'max_child_age' }, { column: 'child_followups_in_year', op: '>=', value: 1 }],
    },
    denominator: { description: '辖区0～6岁儿童数 / children aged 0–6', population: 'aged_0_6' },
    parameters: { max_child_age: 6 },
    target: null,
    source: `${SPEC} 0～6岁儿童健康管理服务规范·考核指标`,
    formula_zh: '年度辖区内接受1次及以上随访的0～6岁儿童数 / 年度辖区内0～6岁儿童数 × 100%',
  },
  {
    id: 'smd_standard_management',
    name_zh: '严重精神障碍患者规范管理率',
    name_en: 'Severe mental disorder standard management',
    subject: 'patient',
    where: program('severe_mental_disorder'),
    numerator: {
      description: '年内随访≥4次的在册患者数 / registered patients with ≥ 4 follow-ups in the year',
      filters: [{ column: 'followups_in_year', op: '>=', param: 'min_followups' }],
    },
    denominator: { description: '年内登记在册的确诊患者数 / registered patients in the year', filters: [] },
    parameters: { min_followups: 4 },
    target: null,
    source: `${SPEC} 严重精神障碍患者管理服务规范·考核指标`,
    formula_zh: '每年按照规范要求进行管理的严重精神障碍患者人数 / 所有登记在册的确诊严重精神障碍患者人数 × 100%',
  },
  {
    id: 'smd_stable',
    name_zh: '严重精神障碍患者病情稳定率',
    name_en: 'Severe mental disorder stable condition',
    subject: 'patient',
    where: program('severe_mental_disorder'),
    numerator: {
      description: '年内最近一次随访病情稳定的在册患者数 / registered patients whose latest follow-up in the year is stable',
      filters: [{ column: 'latest_condition', op: '=', value: 'stable' }],
    },
    denominator: { description: '年内登记在册的确诊患者数 / registered patients in the year', filters: [] },
    target: null,
    source: '严重精神障碍信息系统 (psychiatric information system) indicator; DOMAIN.md',
    formula_zh: '最近一次随访时分类为病情稳定的患者数 / 所有登记在册的确诊严重精神障碍患者人数 × 100%',
  },
  {
    id: 'tb_management',
    name_zh: '肺结核患者管理率',
    name_en: 'Tuberculosis patient management',
    subject: 'patient',
    where: [{ column: 'program', op: '=', value: 'tuberculosis' }, { column: 'enrolled_in_year', op: '=', value: 1 }],
    numerator: {
      description: '年内已随访≥1次的登记（报告）患者数 / notified patients with at least one follow-up in the year',
      filters: [{ column: 'followups_in_year', op: '>=', param: 'min_followups' }],
    },
    denominator: { description: '年内辖区登记（报告）的肺结核患者数 / patients notified in the year', filters: [] },
    parameters: { min_followups: 1 },
    target: null,
    source: `${SPEC} 肺结核患者健康管理服务规范·考核指标`,
    formula_zh: '已管理的肺结核患者人数 / 辖区同期内经上级定点医疗机构确诊并通知基层医疗卫生机构管理的肺结核患者人数 × 100%',
  },
  {
    id: 'tb_regular_medication',
    name_zh: '肺结核患者规则服药率',
    name_en: 'Tuberculosis regular medication',
    subject: 'patient',
    where: [{ column: 'program', op: '=', value: 'tuberculosis' }, { column: 'completed_in_year', op: '=', value: 1 }],
    numerator: {
      description: '实际服药次数≥应服药次数90%的完成疗程患者数 / patients who completed treatment with doses taken ≥ 90% of doses due',
      filters: [{ column: 'doses_taken_ratio', op: '>=', param: 'min_dose_ratio' }],
    },
    denominator: { description: '年内完成疗程的患者数 / patients who completed treatment in the year', filters: [] },
    parameters: { min_dose_ratio: 0.9 },
    target: null,
    source: `${SPEC} 肺结核患者健康管理服务规范·考核指标`,
    formula_zh: '按照要求规则服药的肺结核患者人数 / 同期辖区内已完成治疗的肺结核患者人数 × 100%',
  },
  {
    id: 'early_pregnancy_registration',
    name_zh: '早孕建册率',
    name_en: 'Early pregnancy registration',
    subject: 'person',
    numerator: {
      description: '年内孕13周前建册（首次产前检查）的孕妇数 / women with a first prenatal visit before week 13 in the year',
      filters: [{ column: 'first_prenatal_weeks_in_year', op: '<', param: 'max_weeks' }],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    parameters: { max_weeks: 13 },
    target: 0.6,
    source: `${SPEC} 孕产妇健康管理服务规范·考核指标`,
    formula_zh: '辖区内孕13周之前建册并进行第一次产前检查的产妇人数 / 该地该时间段内活产数 × 100%',
  },
  {
    id: 'postpartum_visit',
    name_zh: '产后访视率',
    name_en: 'Postpartum home visits',
    subject: 'person',
    numerator: {
      description: '年内接受产后访视的产妇数 / women with a postpartum visit in the year',
      filters: [{ column: 'postpartum_visits_in_year', op: '>=', value: 1 }],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    target: 0.85,
    source: `${SPEC} 孕产妇健康管理服务规范·考核指标`,
    formula_zh: '辖区内产妇出院后28天内接受过产后访视的产妇人数 / 该地该时间段内活产数 × 100%',
  },
];

export const CATALOGUE: readonly Indicator[] = declarations.map((d) => indicatorSchema.parse(d));
