// 年度考核: the table an assessment team signs. Title rows, one row per street/town (or
// institution), each indicator a column group 分子/分母/率/目标/得分/达标, then 总分 and 排名;
// groups not located in the reference data are kept out of scoring and listed apart. Prints on A4
// landscape (print.css), the indicators split over pages; CSV and XLSX come from the API, fetched
// with the token.
import { getJson } from './api.js';
import { assessmentRows } from './assessment-rows.js';
import { h } from './dom.js';
import { downloadButton } from './download-button.js';
import { DATA_PROBLEMS, int, nameWithCode, pct, score } from './format.js';
import { apiQuery } from './url-state.js';

const SUB = ['分子', '分母', '率', '目标', '得分', '达标'];
/** Indicators per printed page: 4 column groups of 6 (28 columns and 4) fit A4 landscape at 7 pt; 5 did not. */
const PRINT_GROUPS = 4;

export async function render(el, panel, ctx) {
  const { state, signal } = ctx;
  const by = state.by === 'institution' || state.by === 'street' ? state.by : panel.by;
  const query = { year: state.year, by, region: state.region };
  const [a, freshness] = await Promise.all([
    getJson(`/v1/reports/assessment${apiQuery(query)}`, signal),
    getJson('/v1/quality/freshness', signal).catch(() => null),
  ]);
  if (signal.aborted) return;
  const known = (by === 'street' ? ctx.names.streets : ctx.names.institutions).map((g) => g.code);
  const { located, unlocated, total } = assessmentRows(a, known, panel.thresholds);
  const latest = freshness?.rows.map((r) => r.last_received_at).filter(Boolean).sort().at(-1);
  const dataAsOf = a.period.as_of ?? (latest ? latest.slice(0, 10) : a.period.evaluation_date);
  const groupLabel = by === 'street' ? '街道/镇' : '机构';

  // One table for the given indicators (all of them on screen, a part of them per printed page).
  const sheet = (indicators, part) => {
    const columns = indicators.length * SUB.length + 4;
    const title = `${a.region.name} ${a.period.year} 年度基本公共卫生服务（居民健康档案）考核汇总表${part ? `（${part.n}/${part.of}）` : ''}`;
    const head = [
      h('tr', { class: 'title' }, h('th', { colspan: columns }, title)),
      h('tr', { class: 'title-meta' }, h('th', { colspan: columns }, `地区 ${nameWithCode(a.region.name, a.region.code)} · 年度 ${a.period.year} · 评估日期 ${a.period.evaluation_date} · 数据截至 ${dataAsOf} · 满分 ${a.max_score} · 按${groupLabel}`)),
      h('tr', {}, h('th', { rowspan: 2 }, '序号'), h('th', { rowspan: 2 }, groupLabel), indicators.map((i) => h('th', { colspan: SUB.length, title: `${i.formula_zh}\n${i.score_formula_zh}` }, `${i.name_zh}（权重 ${i.weight}）`)), h('th', { rowspan: 2 }, '总分'), h('th', { rowspan: 2 }, '排名')),
      h('tr', {}, indicators.map(() => SUB.map((s) => h('th', { class: 'sub' }, s)))),
    ];
    const cells = (group) =>
      indicators.map((i) => {
        const c = group.cells[i.id];
        if (!c) return SUB.map(() => h('td', {}, ''));
        const rate = c.data_problem ? DATA_PROBLEMS[c.data_problem] : pct(c.rate);
        const meets = c.meets === null || c.meets === undefined ? '不适用' : c.meets ? '是' : '否';
        return [h('td', { class: 'num' }, int(c.numerator)), h('td', { class: 'num' }, int(c.denominator)), h('td', { class: `num status-${c.status}` }, rate || '无数据'), h('td', { class: 'num' }, pct(c.target) || '无目标'), h('td', { class: 'num' }, score(c.score)), h('td', {}, meets)];
      });
    // People not located in any street/town: in the same columns, under a heading, kept out of the scoring.
    const apart = unlocated.length
      ? [
          h('tr', { class: 'apart-head' }, h('th', { colspan: columns }, `未定位到${groupLabel}（不计分、不排名） Not located: kept out of the scoring`)),
          ...unlocated.map((g) => h('tr', { class: 'apart' }, h('td', {}, ''), h('td', { class: 'name' }, nameWithCode(g.name, g.code)), cells(g), h('td', {}, ''), h('td', {}, ''))),
        ]
      : [];
    const body = [
      ...located.map((g, n) => h('tr', { class: 'group' }, h('td', {}, n + 1), h('td', { class: 'name' }, nameWithCode(g.name, g.code)), cells(g), h('td', { class: 'num' }, score(g.total)), h('td', { class: 'num' }, g.rank))),
      h('tr', { class: 'total' }, h('td', {}, ''), h('td', { class: 'name' }, `${a.region.name} 合计`), cells(total), h('td', { class: 'num' }, score(total.total)), h('td', {}, '')),
      ...apart,
    ];
    return h('table', { class: 'assessment' }, h('thead', {}, head), h('tbody', {}, body));
  };
  // Printed, every column group would not fit A4 landscape: the indicators are split over pages
  // of PRINT_GROUPS, each with the names, the total score and the rank.
  const parts = [];
  for (let i = 0; i < a.indicators.length; i += PRINT_GROUPS) parts.push(a.indicators.slice(i, i + PRINT_GROUPS));
  el.replaceChildren(
    h(
      'p',
      { class: 'downloads no-print' },
      panel.downloads.map((format) => downloadButton(format, `/v1/reports/assessment${apiQuery({ ...query, format })}`, `assessment-${a.region.code}-${a.period.year}.${format}`)),
      h('button', { type: 'button', onclick: () => window.print() }, '打印 Print'),
    ),
    h('div', { class: 'scroll screen-only' }, sheet(a.indicators, null)),
    ...parts.map((indicators, n) => h('div', { class: 'print-only print-part' }, sheet(indicators, { n: n + 1, of: parts.length }))),
    h('p', { class: 'formula' }, '得分 = 权重 × min(1, 率 / 目标)；总分为各指标得分之和，排名按总分从高到低（同分同名次）。'),
    h('div', { class: 'signatures' }, ['考核组成员签字 Assessors', '负责人签字 Director', '日期 Date'].map((s) => h('div', {}, `${s}：`, h('span', { class: 'line' })))),
  );
}
