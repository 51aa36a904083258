// The annual assessment (CONTRACT §3 GET /v1/reports/assessment): every indicator per street/town
// or institution, scored as assessment teams score it (DOMAIN.md "Indicators"):
// score = weight × min(1, rate / target). Weights are ours, in pipelines/assessment.json, which a
// district edits. Without a target an indicator is scored against 100%: weight × min(1, rate).
// No rate (denominator 0, or a data problem such as missing population) scores 0: the score
// rewards documented work, and a street with nothing counted has documented none.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Division } from '../reference/divisions.js';
import type { ClickHouseClient } from '../store/clickhouse.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { evaluateIndicators, type IndicatorRow, type StateStatus } from './evaluate.js';
import type { EvaluationPeriod } from './evaluation-period.js';
import type { Indicator } from './indicator-schema.js';
import { type Provenance, provenanceRows } from './provenance.js';
import type { SubjectSource } from './subjects.js';
import { addTableSheet, toCsv } from './spreadsheet.js';
import { csvField } from './spreadsheet-cells.js';

export const DEFAULT_WEIGHTS_FILE = fileURLToPath(new URL('../../pipelines/assessment.json', import.meta.url));

export type AssessmentLevel = 'street' | 'institution';
export type Weights = ReadonlyMap<string, number>;

const weightsFileSchema = z.strictObject({
  $comment: z.string().optional(),
  weights: z.record(z.string(), z.number().min(0).max(100)),
});

/** Weights for the catalogue: every indicator weighed, no unknown id, summing to 100; all problems reported together. */
export function parseWeights(catalogue: readonly Indicator[], text: string, file = 'assessment.json'): Weights {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = weightsFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const given = parsed.data.weights;
  const known = new Set(catalogue.map((i) => i.id));
  const problems: string[] = [];
  for (const id of Object.keys(given)) if (!known.has(id)) problems.push(`weights.${id}: no such indicator (GET /v1/indicators lists them)`);
  for (const id of known) if (!(id in given)) problems.push(`weights.${id}: missing (give 0 to leave the indicator out of the score)`);
  const sum = Object.values(given).reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 100) > 1e-9) problems.push(`weights sum to ${sum}, not 100`);
  if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return new Map(Object.entries(given));
}

export function loadWeights(catalogue: readonly Indicator[], file = DEFAULT_WEIGHTS_FILE): Weights {
  return parseWeights(catalogue, readFileSync(file, 'utf8'), file);
}

/** weight × min(1, rate / target); without a target, against 100%; no rate, no score. */
export function indicatorScore(weight: number, rate: number | null, target: number | null): number {
  if (rate === null) return 0;
  const attainment = target === null ? rate : target === 0 ? 1 : rate / target;
  return weight * Math.min(1, attainment);
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export function scoreFormula(weight: number, target: number | null): string {
  return target === null
    ? `得分 = 权重 ${weight} × min(1, 率)（无目标值，按100%计）`
    : `得分 = 权重 ${weight} × min(1, 率 / 目标 ${percent(target)})`;
}

export interface AssessmentRow extends IndicatorRow {
  score: number;
}

export interface AssessmentIndicator {
  id: string;
  name_zh: string;
  name_en: string;
  formula_zh: string;
  score_formula_zh: string;
  target: number | null;
  weight: number;
  rows: AssessmentRow[];
  total: AssessmentRow;
}

export interface GroupScore {
  code: string;
  name: string;
  score: number;
}

export interface Assessment {
  period: { year: number; evaluation_date: string; as_of: string | null };
  region: { code: string; name: string; level: string };
  by: AssessmentLevel;
  /** the sum of the weights: what a group meeting every target scores */
  max_score: number;
  indicators: AssessmentIndicator[];
  scores: { rows: GroupScore[]; total: GroupScore };
  /** what it was computed from and a hash of its figures (src/metrics/provenance.ts) */
  provenance?: Provenance;
}

/** What the assessment reads: the store, the reference data, the catalogue and (when kept) the state. */
export interface AssessmentSources {
  store: { client: ClickHouseClient };
  reference: ReferenceData;
  catalogue: readonly Indicator[];
  state?: StateStatus | undefined;
}

export async function buildAssessment(
  runtime: AssessmentSources,
  options: { period: EvaluationPeriod; region: Division; by: AssessmentLevel; weights?: Weights; source?: SubjectSource },
): Promise<Assessment> {
  const { period, region, by } = options;
  const weights = options.weights ?? loadWeights(runtime.catalogue);
  const indicators: AssessmentIndicator[] = [];
  // One scan per subject for all its indicators (the maintained state when current, else the log).
  const results = await evaluateIndicators(runtime.store.client, runtime.reference, runtime.catalogue, { period, region, by, ...(runtime.state ? { state: runtime.state } : {}), ...(options.source ? { source: options.source } : {}) });
  for (const [index, indicator] of runtime.catalogue.entries()) {
    const result = results[index]!;
    const weight = weights.get(indicator.id) ?? 0;
    const scored = (row: IndicatorRow): AssessmentRow => ({ ...row, score: indicatorScore(weight, row.rate, row.target) });
    indicators.push({
      id: indicator.id,
      name_zh: indicator.name_zh,
      name_en: indicator.name_en,
      formula_zh: indicator.formula_zh,
      score_formula_zh: scoreFormula(weight, indicator.target),
      target: indicator.target,
      weight,
      rows: result.rows.map(scored),
      total: scored(result.total),
    });
  }
  // A group's score is the sum of its indicator scores (groups only some indicators saw still add up).
  const groups = new Map<string, GroupScore>();
  for (const indicator of indicators) {
    for (const row of indicator.rows) {
      const group = groups.get(row.code) ?? { code: row.code, name: row.name, score: 0 };
      group.score += row.score;
      groups.set(row.code, group);
    }
  }
  return {
    period: { year: period.year, evaluation_date: period.evalDate, as_of: period.asOf },
    region: { code: region.code, name: region.name, level: region.level },
    by,
    max_score: indicators.reduce((s, i) => s + i.weight, 0),
    indicators,
    scores: { rows: [...groups.values()], total: { code: region.code, name: region.name, score: indicators.reduce((s, i) => s + i.total.score, 0) } },
  };
}

// ---- Tables: the same rows for CSV and XLSX, Chinese headers first ----

export const ASSESSMENT_HEADER = ['指标', '指标名称(英文)', '地区代码', '地区名称', '分子', '分母', '率', '目标', '权重', '得分', '计算公式'] as const;

export interface AssessmentTableRow {
  indicator: string;
  name_en: string;
  code: string;
  name: string;
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  target: number | null;
  weight: number;
  score: number;
  formula: string;
}

/** One row per indicator × group, then the indicator's region total; at the end each group's and the region's total score. */
export function assessmentTable(a: Assessment): AssessmentTableRow[] {
  const out: AssessmentTableRow[] = [];
  for (const i of a.indicators) {
    const formula = `${i.formula_zh}；${i.score_formula_zh}`;
    for (const r of [...i.rows, { ...i.total, name: `${i.total.name}（合计）` }]) {
      out.push({ indicator: i.name_zh, name_en: i.name_en, code: r.code, name: r.name, numerator: r.numerator, denominator: r.denominator, rate: r.rate, target: i.target, weight: i.weight, score: r.score, formula });
    }
  }
  const totalRow = (g: GroupScore, name: string): AssessmentTableRow => ({
    indicator: '综合得分', name_en: 'Total score', code: g.code, name, numerator: null, denominator: null, rate: null, target: null, weight: a.max_score, score: g.score,
    formula: `各指标得分之和（满分 ${a.max_score}）`,
  });
  for (const g of a.scores.rows) out.push(totalRow(g, g.name));
  out.push(totalRow(a.scores.total, `${a.scores.total.name}（合计）`));
  return out;
}

/**
 * The table, then (when the assessment has one) its provenance after an empty line: rows
 * `#出处 provenance,<key>,<value>`, so the table above keeps its header and columns and a reader
 * that skips lines starting with # skips the block.
 */
export function assessmentCsv(a: Assessment): string {
  const table = toCsv(
    ASSESSMENT_HEADER,
    assessmentTable(a).map((r) => [
      r.indicator, r.name_en, r.code, r.name, r.numerator, r.denominator,
      r.rate === null ? '' : percent(r.rate),
      r.target === null ? (r.numerator === null ? '' : '无') : percent(r.target),
      r.weight, r.score.toFixed(2), r.formula,
    ]),
  );
  if (!a.provenance) return table;
  const block = provenanceRows(a.provenance).map(([key, value]) => ['#出处 provenance', key, value].map(csvField).join(','));
  return `${table}\r\n${block.join('\r\n')}\r\n`;
}

/** One long sheet 考核汇总: rates and targets as numbers in percent format, so they can be sorted and summed. */
export async function assessmentXlsx(a: Assessment): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const widths = [26, 40, 14, 30, 10, 10, 10, 10, 8, 10, 80];
  const formats: Record<number, string> = { 6: '0.0%', 7: '0.0%', 9: '0.00' };
  const columns = ASSESSMENT_HEADER.map((header, i) => ({ header, width: widths[i] ?? 12, ...(formats[i] ? { numFmt: formats[i] } : {}) }));
  const rows = assessmentTable(a).map((r) => [r.indicator, r.name_en, r.code, r.name, r.numerator, r.denominator, r.rate, r.target, r.weight, r.score, r.formula]);
  addTableSheet(workbook, '考核汇总', columns, rows, { frozenHeader: true });
  if (a.provenance) {
    addTableSheet(workbook, '出处', [{ header: '项目 item', width: 22 }, { header: '值 value', width: 100 }], provenanceRows(a.provenance));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
