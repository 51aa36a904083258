// The indicator catalogue (DOMAIN.md "Indicators", definitions v2). Each is a declaration for the one compiler.
// Sources: 《国家基本公共卫生服务规范（第三版）》(国卫基层发〔2017〕13号), its assessment indicators.
// Parameters marked (ours) in DOMAIN.md are parameters here, so a district changes them without code.
import { type Indicator, indicatorSchema } from './indicator-schema.js';

/** The definitions this catalogue implements (DOMAIN.md): named in every assessment's provenance. */
export const DEFINITIONS_VERSION = 'v2';

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
const CHRONIC = { hypertension: '高血压', diabetes: '2型糖尿病' } as const;

const declarations: unknown[] = [
  {
    id: 'archive_coverage',
    name_zh: '健康档案建档率',
    name_en: 'Health archive coverage',
    subject: 'person',
    numerator: {
      description: '有效（未终止）且已建立（封面与个人基本信息表：姓名、性别、出生日期、身份证号、现住址；儿童以新生儿访视或儿童健康检查记录）档案的人数 / people with an active established archive',
      filters: [activeArchive],
    },
    denominator: { description: '辖区常住人口数 / resident population', population: 'resident_total' },
    target: null,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标; 建档指完成健康档案封面和个人基本信息表`,
    formula_zh: '建档人数 / 辖区内常住居民数 × 100%',
    changed_in_v2: 'any archive.created → an archive established with name, sex, birth date, ID number and residence (children: a face-to-face newborn or child visit); reopened archives are active again; linked identifiers are one person',
  },
  {
    id: 'electronic_archive_coverage',
    name_zh: '电子健康档案建档率',
    name_en: 'Electronic health archive coverage',
    subject: 'person',
    numerator: {
      description: '有有效电子健康档案的人数（未申报纸质即为电子）/ people with an active established archive held electronically (paper only when declared)',
      filters: [{ column: 'active_electronic_archive', op: '=', value: 1 }],
    },
    denominator: { description: '辖区常住人口数 / resident population', population: 'resident_total' },
    target: 0.9,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标`,
    formula_zh: '建立电子健康档案人数 / 辖区内常住居民数 × 100%',
    changed_in_v2: "medium 'electronic' declared → any medium but a declared 'paper' (it reached this platform from an electronic system)",
  },
  {
    id: 'archive_usage',
    name_zh: '健康档案使用率',
    name_en: 'Health archive usage',
    subject: 'person',
    where: [activeArchive],
    numerator: {
      description: '近12个月内有动态记录（体检、随访、其他服务、分娩记录）的有效档案数 / active archives with a dynamic record in the 12 months up to the evaluation date (archive edits alone do not count)',
      filters: [{ column: 'dynamic_records_12m', op: '>=', param: 'min_dynamic_records' }],
    },
    denominator: { description: '有效档案数 / active archives', filters: [] },
    parameters: { min_dynamic_records: 1 },
    target: 0.6,
    source: `${SPEC} 居民健康档案管理服务规范·考核指标`,
    formula_zh: '档案中有动态记录的档案份数 / 档案总份数 × 100%',
    changed_in_v2: 'deliveries count as dynamic records; the archive must be established',
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
    changed_in_v2: "a resident ID answers sex as it answers the birth date; a child's face-to-face visit form answers the child's fields",
  },
  ...(['hypertension', 'diabetes'] as const).map((name) => ({
    id: `${name}_standard_management`,
    name_zh: name === 'hypertension' ? '高血压患者规范管理率' : '2型糖尿病患者规范管理率',
    name_en: name === 'hypertension' ? 'Hypertension standard management' : 'Type 2 diabetes standard management',
    subject: 'patient',
    where: program(name),
    numerator: {
      description: '年内面对面（门诊、家庭）随访≥4天且（require_annual_check）年内有健康体检的管理患者数 / managed patients with ≥ 4 face-to-face follow-up days in the year and (require_annual_check) a health check in the year',
      filters: [
        {
          when_param: 'prorate',
          is: true,
          use: [{ column: 'face_to_face_days_annualised', op: '>=', param: 'min_face_to_face_days' }],
          otherwise: [{ column: 'face_to_face_days_in_year', op: '>=', param: 'min_face_to_face_days' }],
        },
        { when_param: 'require_annual_check', is: true, use: [{ column: 'health_checks_in_year', op: '>=', value: 1 }], otherwise: [] },
      ],
    },
    denominator: {
      description: '年内管理的患者数（评估日前纳入管理、1月1日前未退出；年内死亡、迁出者仍计入）/ patients under management in the year',
      filters: [],
    },
    // min_patient_age: the quality worklist's "tagged under 35" rule (DOMAIN.md "What supervisors check").
    parameters: { min_face_to_face_days: 4, require_annual_check: true, prorate: false, min_patient_age: 35 },
    target: 0.6,
    source: `${SPEC} ${CHRONIC[name]}患者健康管理服务规范·考核指标; 每年1次较全面的健康体检，可与随访相结合`,
    formula_zh: '按照规范要求进行管理的患者人数 / 年内已管理的患者人数 × 100%',
    changed_in_v2: 'follow-up events → distinct face-to-face days; + a health check in the year (require_annual_check); under management no longer needs an active archive (death or moving out in the year keeps a patient in)',
  })),
  ...(['hypertension', 'diabetes'] as const).map((name) => ({
    id: `${name}_management_coverage`,
    name_zh: name === 'hypertension' ? '高血压患者基层管理率' : '糖尿病患者基层管理率',
    name_en: name === 'hypertension' ? 'Hypertension primary-care management coverage' : 'Diabetes primary-care management coverage',
    subject: 'patient',
    where: program(name),
    numerator: { description: '年内管理的患者数 / patients under management in the year', filters: [] },
    denominator: {
      description: '辖区估计患病人数（患病率 × 成人人口，随人口数据导入）/ estimated patients (prevalence × adults)',
      population: `${name}_estimated`,
    },
    target: null,
    source: `国家基本公共卫生服务项目年度工作通知 (annual notices); ${SPEC} ${CHRONIC[name]}患者健康管理服务规范`,
    formula_zh: '年内已管理的患者人数 / 年内辖区内估计患病总人数 × 100%',
    changed_in_v2: 'new in v2',
  })),
  {
    id: 'hypertension_bp_control',
    name_zh: '管理人群血压控制率',
    name_en: 'Blood pressure control among managed patients',
    subject: 'patient',
    where: program('hypertension'),
    numerator: {
      description: '年内最近一次面对面随访测量血压达标（<140/90 mmHg；随访时65岁及以上 <150/90 mmHg）的人数；年内无测量按未达标 / latest measured BP in the year (face-to-face, both parts) below 140/90 (150/90 from 65)',
      filters: [
        { column: 'latest_dbp', op: '<', param: 'dbp_limit' },
        {
          any: [
            { all: [{ column: 'age_at_latest_bp', op: '<', param: 'elderly_age' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit' }] },
            { all: [{ column: 'age_at_latest_bp', op: '>=', param: 'elderly_age' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit_elderly' }] },
            // Age unknown (no birth date): the stricter limit applies.
            { all: [{ column: 'age_at_latest_bp', op: 'is_null' }, { column: 'latest_sbp', op: '<', param: 'sbp_limit' }] },
          ],
        },
      ],
    },
    denominator: { description: '年内管理的高血压患者数 / patients under management in the year', filters: [] },
    parameters: { sbp_limit: 140, sbp_limit_elderly: 150, dbp_limit: 90, elderly_age: 65 },
    target: 0.4,
    source: `${SPEC} 高血压患者健康管理服务规范·考核指标`,
    formula_zh: '年内最近一次随访血压达标人数 / 年内已管理的高血压患者人数 × 100%',
    changed_in_v2: 'latest follow-up of any method → latest face-to-face follow-up carrying both BP parts (a phone call without BP no longer overrides a clinic reading)',
  },
  {
    id: 'diabetes_glucose_control',
    name_zh: '管理人群血糖控制率',
    name_en: 'Glucose control among managed patients',
    subject: 'patient',
    where: program('diabetes'),
    numerator: {
      description: '年内最近一次面对面随访测量空腹血糖 <7.0 mmol/L 的人数 / latest face-to-face follow-up in the year with a fasting glucose below 7.0 mmol/L',
      filters: [{ column: 'latest_fasting_glucose', op: '<', param: 'glucose_limit' }],
    },
    denominator: { description: '年内管理的2型糖尿病患者数 / patients under management in the year', filters: [] },
    parameters: { glucose_limit: 7.0 },
    target: 0.35,
    source: `${SPEC} 2型糖尿病患者健康管理服务规范·考核指标`,
    formula_zh: '年内最近一次随访空腹血糖达标人数 / 年内已管理的2型糖尿病患者人数 × 100%',
    changed_in_v2: 'latest follow-up of any method → latest face-to-face follow-up carrying a fasting glucose',
  },
  {
    id: 'elderly_health_management',
    name_zh: '老年人健康管理率',
    name_en: 'Elderly health management',
    subject: 'person',
    numerator: {
      description: '当年12月31日满65岁、体检时已建档、年内接受老年人健康体检且体检表填写完整（含健康指导）的人数；体检后死亡或迁出仍计入 / aged ≥ 65 on 31 Dec, archived when checked, with a complete elderly check form (guidance given) in the year',
      filters: [{ column: 'age_at_year_end', op: '>=', param: 'elderly_age' }, { column: 'complete_elderly_check_in_year', op: '=', value: 1 }],
    },
    denominator: { description: '辖区65岁及以上常住人口数 / residents aged 65+', population: 'aged_65_plus' },
    parameters: { elderly_age: 65 },
    target: 0.65,
    source: `${SPEC} 老年人健康管理服务规范·考核指标; 接受健康管理是指建立了健康档案、接受了健康体检、健康指导、健康体检表填写完整`,
    formula_zh: '年内接受健康管理人数 / 年内辖区内65岁及以上常住居民数 × 100%',
    changed_in_v2: 'any health check with an active archive → an elderly_annual check with a complete form and guidance, archived by the check date; death or moving out after the check no longer undoes it',
  },
  {
    id: 'elderly_tcm_management',
    name_zh: '老年人中医药健康管理率',
    name_en: 'Elderly TCM health management',
    subject: 'person',
    numerator: {
      description: '当年12月31日满65岁、年内接受中医体质辨识和中医药保健指导的人数（可在不同记录中）/ aged ≥ 65 with a TCM constitution assessment and TCM guidance in the year',
      filters: [{ column: 'age_at_year_end', op: '>=', param: 'elderly_age' }, { column: 'elderly_tcm_in_year', op: '=', value: 1 }],
    },
    denominator: { description: '辖区65岁及以上常住人口数 / residents aged 65+', population: 'aged_65_plus' },
    parameters: { elderly_age: 65 },
    target: 0.65,
    source: `${SPEC} 中医药健康管理服务规范·考核指标`,
    formula_zh: '年内接受中医药健康管理服务的65岁及以上居民数 / 年内辖区内65岁及以上常住居民数 × 100%',
    changed_in_v2: 'new in v2',
  },
  {
    id: 'newborn_visit',
    name_zh: '新生儿访视率',
    name_en: 'Newborn home visits',
    subject: 'person',
    numerator: {
      description: '当年出生、在窗口内（出院后7天内；无出院日期则出生后28天内）接受新生儿家庭访视（入户）的人数 / children born in the year with a home newborn visit within the window',
      filters: [
        { column: 'birth_year', op: '=', param: 'year' },
        {
          any: [
            { column: 'newborn_visit_days_after_discharge', op: '<=', param: 'newborn_window_days' },
            { column: 'newborn_visit_days_after_birth', op: '<=', param: 'newborn_window_days_without_discharge' },
          ],
        },
      ],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    parameters: { newborn_window_days: 7, newborn_window_days_without_discharge: 28 },
    target: 0.85,
    source: `${SPEC} 0～6岁儿童健康管理服务规范·考核指标; 新生儿出院后1周内`,
    formula_zh: '年度辖区内按照规范要求接受1次及以上访视的新生儿人数 / 年度辖区内活产数 × 100%',
    changed_in_v2: 'any newborn visit → a home visit within 7 days after discharge (else 28 after birth), a January visit of Y+1 included',
  },
  {
    id: 'child_health_management',
    name_zh: '儿童健康管理率',
    name_en: 'Child health management (0–6)',
    subject: 'person',
    numerator: {
      description: '年内在7岁前接受1次及以上面对面儿童健康随访（含新生儿访视）的儿童数 / children with a face-to-face child health visit in the year while under 7',
      filters: [{ column: 'age_at_first_child_visit_in_year', op: '<=', param: 'max_child_age' }],
    },
    denominator: { description: '辖区0～6岁儿童数 / children aged 0–6', population: 'aged_0_6' },
    parameters: { max_child_age: 6 },
    target: null,
    source: `${SPEC} 0～6岁儿童健康管理服务规范·考核指标`,
    formula_zh: '年度辖区内接受1次及以上随访的0～6岁儿童数 / 年度辖区内0～6岁儿童数 × 100%',
    changed_in_v2: 'any child follow-up → a face-to-face child health visit (phone contacts excluded), age at the visit',
  },
  {
    id: 'child_tcm_management',
    name_zh: '儿童中医药健康管理率',
    name_en: 'Child TCM health management',
    subject: 'person',
    numerator: {
      description: '年内在6、12、18、24、30、36月龄（落在当年者，±1个月）均接受中医药健康指导的0～36个月儿童数 / children 0–36 months with TCM guidance at each month-age due in the year (±1 month)',
      filters: [{ column: 'child_tcm_all_due_met', op: '=', value: 1 }],
    },
    denominator: { description: '辖区0～36个月儿童数 / children aged 0–36 months', population: 'aged_0_36_months' },
    target: 0.65,
    source: `${SPEC} 中医药健康管理服务规范·考核指标`,
    formula_zh: '年度辖区内按照月龄接受中医药健康管理服务的0～36个月儿童数 / 年度辖区内应管理的0～36个月儿童数 × 100%',
    changed_in_v2: 'new in v2',
  },
  {
    id: 'smd_standard_management',
    name_zh: '严重精神障碍患者规范管理率',
    name_en: 'Severe mental disorder standard management',
    subject: 'patient',
    where: program('severe_mental_disorder'),
    numerator: {
      description: '年内随访≥4天（任何方式：拒绝面访时可电话）的在册患者数 / registered patients with ≥ 4 follow-up days in the year (any method)',
      filters: [{ column: 'followup_days_in_year', op: '>=', param: 'min_followup_days' }],
    },
    denominator: { description: '年内登记在册的确诊患者数（有无档案）/ patients registered in the year, with or without an archive', filters: [] },
    parameters: { min_followup_days: 4 },
    target: 0.8,
    source: `${SPEC} 严重精神障碍患者管理服务规范·考核指标`,
    formula_zh: '每年按照规范要求进行管理的严重精神障碍患者人数 / 所有登记在册的确诊严重精神障碍患者人数 × 100%',
    changed_in_v2: 'follow-up events → distinct follow-up days; registered patients no longer need an archive',
  },
  {
    id: 'smd_stable',
    name_zh: '严重精神障碍患者病情稳定率',
    name_en: 'Severe mental disorder stable condition',
    subject: 'patient',
    where: program('severe_mental_disorder'),
    numerator: {
      description: '年内最近一次记录病情的随访为稳定的在册患者数 / registered patients whose latest follow-up in the year carrying a condition says stable',
      filters: [{ column: 'latest_condition', op: '=', value: 'stable' }],
    },
    denominator: { description: '年内登记在册的确诊患者数 / registered patients in the year', filters: [] },
    target: null,
    source: '严重精神障碍信息系统 (psychiatric information system) indicator; DOMAIN.md',
    formula_zh: '最近一次随访时分类为病情稳定的患者数 / 所有登记在册的确诊严重精神障碍患者人数 × 100%',
    changed_in_v2: 'latest follow-up → latest follow-up that records a condition',
  },
  {
    id: 'tb_management',
    name_zh: '肺结核患者管理率',
    name_en: 'Tuberculosis patient management',
    subject: 'patient',
    where: [{ column: 'program', op: '=', value: 'tuberculosis' }, { column: 'enrolled_in_year', op: '=', value: 1 }],
    numerator: {
      description: '年内登记（报告）后接受首次面对面随访的患者数（first_visit_within_days：须在通知后若干天内，72小时规则为3）/ notified patients with a first face-to-face visit after notification',
      filters: [
        {
          when_param: 'first_visit_within_days',
          is: null,
          use: [{ column: 'days_to_first_visit', op: 'is_not_null' }],
          otherwise: [{ column: 'days_to_first_visit', op: '<=', param: 'first_visit_within_days' }],
        },
      ],
    },
    denominator: { description: '年内辖区登记（报告）的肺结核患者数 / patients notified in the year', filters: [] },
    parameters: { first_visit_within_days: null },
    target: 0.9,
    source: `${SPEC} 肺结核患者健康管理服务规范·考核指标`,
    formula_zh: '已管理的肺结核患者人数 / 辖区同期内经上级定点医疗机构确诊并通知基层医疗卫生机构管理的肺结核患者人数 × 100%',
    changed_in_v2: 'any follow-up in the year → a face-to-face visit on or after notification (a January visit of Y+1 included); optional deadline first_visit_within_days',
  },
  {
    id: 'tb_regular_medication',
    name_zh: '肺结核患者规则服药率',
    name_en: 'Tuberculosis regular medication',
    subject: 'patient',
    where: [{ column: 'program', op: '=', value: 'tuberculosis' }, { column: 'course_ended_in_year', op: '=', value: 1 }],
    numerator: {
      description: '疗程内实际服药次数≥应服药次数90%（每个随访日计一次）的完成疗程或治愈患者数 / patients whose course ended completed or cured with doses taken ≥ 90 % of doses due over that course',
      filters: [{ column: 'course_doses_ratio', op: '>=', param: 'min_dose_ratio' }],
    },
    denominator: { description: '年内完成疗程或治愈的患者数 / patients whose course ended in the year as completed or cured', filters: [] },
    parameters: { min_dose_ratio: 0.9 },
    target: 0.9,
    source: `${SPEC} 肺结核患者健康管理服务规范·考核指标`,
    formula_zh: '按照要求规则服药的肺结核患者人数 / 同期辖区内已完成治疗的肺结核患者人数 × 100%',
    changed_in_v2: "exit 'completed' only → 'completed' or 'cured'; doses over all follow-ups → over that course, once per visit day",
  },
  {
    id: 'early_pregnancy_registration',
    name_zh: '早孕建册率',
    name_en: 'Early pregnancy registration',
    subject: 'person',
    numerator: {
      description: '年内分娩且该次妊娠孕13周前建册并进行第一次产前检查的产妇数 / women who delivered in the year with the first prenatal visit of that pregnancy before week 13',
      filters: [{ column: 'delivered_in_year', op: '=', value: 1 }, { column: 'first_prenatal_weeks', op: '<', param: 'max_weeks' }],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    parameters: { max_weeks: 13 },
    target: 0.6,
    source: `${SPEC} 孕产妇健康管理服务规范·考核指标; 孕13周之前建册并进行第一次产前检查的产妇`,
    formula_zh: '辖区内孕13周之前建册并进行第一次产前检查的产妇人数 / 该地该时间段内活产数 × 100%',
    changed_in_v2: 'women with a first prenatal visit in the year → women who delivered in the year, their pregnancy registered before week 13 (also in Y−1)',
  },
  {
    id: 'postpartum_visit',
    name_zh: '产后访视率',
    name_en: 'Postpartum home visits',
    subject: 'person',
    numerator: {
      description: '年内分娩、出院后28天内接受面对面产后访视的产妇数 / women who delivered in the year with a face-to-face postpartum visit within 28 days after discharge',
      filters: [{ column: 'delivered_in_year', op: '=', value: 1 }, { column: 'postpartum_visit_days_after_discharge', op: '<=', param: 'postpartum_window_days' }],
    },
    denominator: { description: '辖区当年活产数 / live births', population: 'live_births' },
    parameters: { postpartum_window_days: 28 },
    target: 0.85,
    source: `${SPEC} 孕产妇健康管理服务规范·考核指标; 产妇出院后28天内`,
    formula_zh: '辖区内产妇出院后28天内接受过产后访视的产妇人数 / 该地该时间段内活产数 × 100%',
    changed_in_v2: 'any postpartum visit in the year → a face-to-face postpartum visit within 28 days after discharge of a delivery in the year (phone calls excluded)',
  },
];

export const CATALOGUE: readonly Indicator[] = declarations.map((d) => indicatorSchema.parse(d));
