import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_HEADER, type Assessment, assessmentCsv, assessmentTable, indicatorScore, loadWeights, parseWeights, scoreFormula,
} from '../../src/metrics/assessment.js';
import { CATALOGUE } from '../../src/metrics/catalogue.js';
import { makeRow } from '../../src/metrics/evaluate.js';
import { type PhoneSample, phoneSampleCsv, SAMPLE_HEADER } from '../../src/metrics/phone-sample.js';

const shipped = () => readFileSync(new URL('../../pipelines/assessment.json', import.meta.url), 'utf8');
const allWeights = (): Record<string, number> => JSON.parse(shipped()).weights;

describe('assessment weights', () => {
  it('ships a weight for each of the 21 indicators, summing to 100', () => {
    const weights = loadWeights(CATALOGUE);
    expect(weights.size).toBe(CATALOGUE.length);
    expect(CATALOGUE).toHaveLength(21);
    expect([...weights.values()].reduce((s, w) => s + w, 0)).toBe(100);
    expect(JSON.parse(shipped()).$comment).toMatch(/ours/);
  });

  it('names an unknown indicator, a missing one and a wrong sum together', () => {
    const { archive_coverage: _dropped, ...rest } = allWeights();
    const text = JSON.stringify({ weights: { ...rest, happiness: 10 } });
    expect(() => parseWeights(CATALOGUE, text)).toThrow(/weights\.happiness: no such indicator[\s\S]*weights\.archive_coverage: missing/);
    expect(() => parseWeights(CATALOGUE, JSON.stringify({ weights: { ...allWeights(), archive_usage: allWeights().archive_usage! + 1 } }))).toThrow(/sum to 101, not 100/);
  });

  it('rejects a negative weight, an unknown key and text that is not JSON', () => {
    expect(() => parseWeights(CATALOGUE, JSON.stringify({ weights: { ...allWeights(), archive_usage: -1 } }))).toThrow(/assessment\.json/);
    expect(() => parseWeights(CATALOGUE, JSON.stringify({ weights: allWeights(), extra: 1 }))).toThrow(/extra/);
    expect(() => parseWeights(CATALOGUE, '{ weights:')).toThrow(/not valid JSON/);
  });
});

describe('indicator score = weight × min(1, rate / target)', () => {
  it('scores below the target in proportion and caps at the weight', () => {
    expect(indicatorScore(10, 0.45, 0.9)).toBeCloseTo(5);
    expect(indicatorScore(10, 0.9, 0.9)).toBe(10);
    expect(indicatorScore(10, 1, 0.6)).toBe(10);
    expect(indicatorScore(0, 0.5, 0.6)).toBe(0);
  });

  it('gives no score without a rate (denominator 0 or a data problem)', () => {
    expect(indicatorScore(10, null, 0.9)).toBe(0);
    expect(indicatorScore(10, null, null)).toBe(0);
  });

  it('scores an indicator without a target against 100%', () => {
    expect(indicatorScore(8, 0.25, null)).toBe(2);
    expect(indicatorScore(8, 1, null)).toBe(8);
    expect(scoreFormula(8, null)).toContain('无目标值');
    expect(scoreFormula(6, 0.9)).toBe('得分 = 权重 6 × min(1, 率 / 目标 90.0%)');
  });

  it('treats a target of 0 as met', () => {
    expect(indicatorScore(5, 0, 0)).toBe(5);
  });
});

function tinyAssessment(): Assessment {
  const row = (code: string, name: string, n: number, d: number) => ({ ...makeRow(code, name, n, d, 0.9), score: indicatorScore(6, d > 0 ? n / d : null, 0.9) });
  return {
    period: { year: 2025, evaluation_date: '2025-12-31', as_of: null },
    region: { code: '500104', name: '大渡口区', level: 'county' },
    by: 'street',
    max_score: 6,
    indicators: [{
      id: 'electronic_archive_coverage', name_zh: '电子健康档案建档率', name_en: 'Electronic health archive coverage',
      formula_zh: '建立电子健康档案人数 / 辖区内常住居民数 × 100%', score_formula_zh: scoreFormula(6, 0.9), target: 0.9, weight: 6,
      rows: [row('500104001', '新山村街道', 5, 10), row('500104002', '跃进村街道, "二"', 0, 0)],
      total: row('500104', '大渡口区', 5, 10),
    }],
    scores: { rows: [{ code: '500104001', name: '新山村街道', score: 10 / 3 }, { code: '500104002', name: '跃进村街道, "二"', score: 0 }], total: { code: '500104', name: '大渡口区', score: 10 / 3 } },
  };
}

describe('assessment CSV', () => {
  it('starts with the UTF-8 BOM and the Chinese header', () => {
    const csv = assessmentCsv(tinyAssessment());
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')[0]).toBe('指标,指标名称(英文),地区代码,地区名称,分子,分母,率,目标,权重,得分,计算公式');
    expect(ASSESSMENT_HEADER.join(',')).toBe(csv.slice(1).split('\r\n')[0]);
  });

  it('has one row per indicator × group, the total, then the score rows; rates as percentages', () => {
    const lines = assessmentCsv(tinyAssessment()).slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 3 + 3);
    expect(lines[1]).toMatch(/^电子健康档案建档率,Electronic health archive coverage,500104001,新山村街道,5,10,50\.0%,90\.0%,6,3\.33,/);
    // A name with a comma and quotes is quoted; no rate → empty cell, score 0.
    expect(lines[2]).toContain('500104002,"跃进村街道, ""二""",0,0,,90.0%,6,0.00,');
    expect(lines[3]).toMatch(/^电子健康档案建档率,.*,500104,大渡口区（合计）,5,10,50\.0%/);
    expect(lines[6]).toMatch(/^综合得分,Total score,500104,大渡口区（合计）,,,,,6,3\.33,/);
  });

  it('keeps the table and the CSV in step', () => {
    expect(assessmentTable(tinyAssessment())).toHaveLength(6);
  });
});

describe('phone-sample CSV', () => {
  it('has the BOM, Chinese headers and only masked values', () => {
    const sample: PhoneSample = {
      period: { year: 2025, evaluation_date: '2025-12-31', as_of: null },
      region: { code: '500104', name: '大渡口区', level: 'county' },
      seed: 7,
      size: 20,
      services: [{
        service: 'hypertension', name_zh: '高血压患者健康管理', eligible: 1,
        rows: [{ id_masked: '110105********002X', name_masked: '张*', sex: 2, age: 76, community_code: '500104001001', community_name: '社区', institution_code: 'H500104001', institution_name: '中心', archive_no: '50010400100100001', last_service_on: '2025-11-10' }],
      }],
    };
    const lines = phoneSampleCsv(sample).split('\r\n');
    expect(lines[0]).toBe(`\uFEFF${SAMPLE_HEADER.join(',')}`);
    expect(lines[1]).toBe('高血压患者健康管理,110105********002X,张*,女,76,500104001001,社区,H500104001,中心,"=""50010400100100001""",2025-11-10');
  });
});
