// Formatting of figures for the pages (pure: imported by tests).

/** Data problems of a row, in words (the API's codes). */
export const DATA_PROBLEMS = {
  population_missing: '未导入人口数 population missing',
  numerator_exceeds_denominator: '分子大于分母 numerator exceeds denominator',
};

export function pct(rate, digits = 1) {
  return typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(digits)}%` : '';
}

export function int(n) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('zh-CN') : '';
}

/** The rate of an indicator row, or why there is none: never a bare dash. */
export function rateText(row) {
  if (row.data_problem) return DATA_PROBLEMS[row.data_problem] ?? row.data_problem;
  if (row.rate === null || row.rate === undefined) return row.denominator === 0 ? '分母为0 no denominator' : '无数据 no data';
  return pct(row.rate);
}

export function targetText(target) {
  return target === null || target === undefined ? '无目标 no target' : pct(target);
}

/** "名称 (code)"; the code alone when the name is unknown or the same. */
export function nameWithCode(name, code) {
  if (code === '') return name || '未知 (unknown)';
  return name && name !== code ? `${name} (${code})` : code;
}

export function score(n) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '';
}

/** Hover text of a scorecard cell. */
export function cellTitle(indicatorName, groupName, row, target) {
  return [
    `${groupName} · ${indicatorName}`,
    `分子 numerator ${int(row.numerator)}`,
    `分母 denominator ${int(row.denominator)}`,
    `率 rate ${rateText(row)}`,
    `目标 target ${targetText(target)}`,
  ].join('\n');
}
