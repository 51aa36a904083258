// The assessment table as a team signs it (pure: imported by tests): one row per street/town (or
// institution) of the reference data with each indicator's figures and score, the total and its
// rank; groups the reference data does not know (people not located in any street/town) are kept
// out of the scoring and ranking and listed apart.
import { statusOf } from './thresholds.js';

/** Competition ranking: equal totals share a rank, the next rank skips (1, 1, 3). */
export function ranks(totals) {
  const sorted = [...totals].sort((a, b) => b - a);
  return totals.map((t) => sorted.findIndex((s) => Math.abs(s - t) < 1e-9) + 1);
}

export function assessmentRows(assessment, knownCodes, thresholds) {
  const known = new Set(knownCodes);
  const groups = new Map();
  for (const indicator of assessment.indicators) {
    for (const row of indicator.rows) {
      if (!groups.has(row.code)) groups.set(row.code, { code: row.code, name: row.name, cells: {} });
      groups.get(row.code).cells[indicator.id] = cellOf(row, indicator, thresholds);
    }
  }
  const all = [...groups.values()];
  const located = all.filter((g) => known.has(g.code));
  const unlocated = all.filter((g) => !known.has(g.code));
  for (const g of located) g.total = Object.values(g.cells).reduce((s, c) => s + c.score, 0);
  const rankOf = ranks(located.map((g) => g.total));
  located.forEach((g, i) => {
    g.rank = rankOf[i];
  });
  const total = { code: assessment.region.code, name: assessment.region.name, cells: {}, total: assessment.scores.total.score };
  for (const indicator of assessment.indicators) total.cells[indicator.id] = cellOf(indicator.total, indicator, thresholds);
  return { located, unlocated, total };
}

function cellOf(row, indicator, thresholds) {
  return {
    numerator: row.numerator,
    denominator: row.denominator,
    rate: row.rate,
    data_problem: row.data_problem,
    target: indicator.target,
    score: row.score,
    meets: row.meets_target,
    status: statusOf(row, indicator.target, thresholds),
  };
}
