// Per-field missing counts over active archives (CONTRACT §3 /v1/quality/completeness).
// Absent = missing; an explicit "none" answer is not missing.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Division } from '../reference/divisions.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { queryRows } from '../store/clickhouse.js';
import { fieldBit } from '../transform/archive-fields.js';
import type { EvaluationPeriod } from './evaluation-period.js';
import { groupsOf, periodParams, type StateStatus, sourceFor } from './evaluate.js';
import { GROUP_EXPRESSIONS, type GroupLevel, inRegion, subjectRelation } from './subjects.js';

export const FIELD_LABELS: Record<string, string> = {
  name: '姓名', sex: '性别', birth_date: '出生日期', id_number: '身份证号', phone: '本人电话', contact_name: '联系人姓名',
  contact_phone: '联系人电话', residence_type: '常住类型', ethnicity: '民族', blood_type: '血型', education: '文化程度',
  occupation: '职业', marital_status: '婚姻状况', payment_methods: '医疗费用支付方式', address: '现住址',
  division_code: '所属村（居）委会', drug_allergies: '药物过敏史', past_history: '既往史', family_history: '家族史',
};

export interface FieldMissing {
  field: string;
  label_zh: string;
  /** archives for which the field is required */
  required: number;
  missing: number;
  missing_rate: number | null;
}

export interface CompletenessRow {
  code: string;
  name: string;
  archives: number;
  complete: number;
  complete_rate: number | null;
  fields: FieldMissing[];
}

const rate = (n: number, d: number) => (d > 0 ? n / d : null);

export async function completeness(
  client: ClickHouseClient,
  reference: ReferenceData,
  options: { period: EvaluationPeriod; region: Division; by: GroupLevel; state?: StateStatus },
): Promise<{ rows: CompletenessRow[]; total: CompletenessRow }> {
  const group = GROUP_EXPRESSIONS[options.by];
  const subject = subjectRelation('person', await sourceFor(options.state, options.period, 'person'));
  const params = periodParams(options.period, options.region.code, reference);
  const where = `${inRegion()} AND active_archive = 1`;
  // One pass: a count per field and group, each its own aggregate (a row per field through ARRAY
  // JOIN multiplied the rows read by the number of fields).
  const fieldNames = Object.keys(FIELD_LABELS);
  const bits = fieldNames.map(fieldBit);
  const perGroup = await queryRows<{ group_key: string; archives: string; complete: string; required: string[]; missing: string[] }>(
    client,
    `${subject}
SELECT ${group} AS group_key, count() AS archives, countIf(missing_basic_fields = 0) AS complete,
  [${bits.map((b) => `countIf(bitTest(required_mask, ${b}))`).join(', ')}] AS required,
  [${bits.map((b) => `countIf(bitTest(required_mask, ${b}) AND NOT bitTest(answered_mask, ${b}))`).join(', ')}] AS missing
FROM subject WHERE ${where} GROUP BY group_key`,
    params,
  );

  const groups = groupsOf(reference, options.region, options.by);
  for (const g of perGroup) if (!groups.some((x) => x.code === g.group_key)) groups.push({ code: g.group_key, name: g.group_key || '未知 (unknown)' });
  const build = (code: string, name: string, keys: Set<string>): CompletenessRow => {
    const hits = perGroup.filter((g) => keys.has(g.group_key));
    const sum = (of: (g: (typeof perGroup)[number]) => string | undefined) => hits.reduce((s, g) => s + Number(of(g) ?? 0), 0);
    const archives = sum((g) => g.archives);
    const complete = sum((g) => g.complete);
    const fields = fieldNames.map((field, i) => {
      const required = sum((g) => g.required[i]);
      const missing = sum((g) => g.missing[i]);
      return { field, label_zh: FIELD_LABELS[field] ?? field, required, missing, missing_rate: rate(missing, required) };
    });
    return { code, name, archives, complete, complete_rate: rate(complete, archives), fields };
  };
  return {
    rows: groups.map((g) => build(g.code, g.name, new Set([g.code]))),
    total: build(options.region.code, options.region.name, new Set(groups.map((g) => g.code))),
  };
}
