// 考核总览: every indicator (rows) × every street/town (columns) coloured against its target, the
// district total last; hover for the figures, click to drill down. One request: the assessment.
import { getJson } from './api.js';
import { h } from './dom.js';
import { cellTitle, nameWithCode, pct, rateText } from './format.js';
import { COLOURS, STATUS_LABELS, statusOf } from './thresholds.js';
import { apiQuery, writeState } from './url-state.js';

export async function render(el, panel, ctx) {
  const { state, signal } = ctx;
  const [assessment, freshness] = await Promise.all([
    getJson(`/v1/reports/assessment${apiQuery({ year: state.year, by: panel.by })}`, signal),
    getJson('/v1/quality/freshness', signal).catch((error) => error),
  ]);
  if (signal.aborted) return;
  const wanted = panel.indicators === 'all' ? null : panel.indicators;
  const indicators = wanted ? wanted.map((id) => assessment.indicators.find((i) => i.id === id)).filter(Boolean) : assessment.indicators;
  const groups = new Map();
  for (const i of indicators) for (const r of i.rows) if (!groups.has(r.code)) groups.set(r.code, r.name || ctx.names.name(r.code));

  const drill = (indicator, code) => {
    if (!panel.drill_to || code === '') return null;
    const target = ctx.dashboards.find((d) => d.name === panel.drill_to);
    const query = panel.by === 'street' ? { indicator, region: code, by: 'community', year: state.year } : { indicator, by: 'institution', year: state.year };
    const path = target && target.order === ctx.dashboards[0].order ? '/' : `/pages/${panel.drill_to}`;
    return `${path}${writeState(query, { indicator: '', region: '', by: '', year: '' })}`;
  };
  const cell = (indicator, row, groupName) => {
    const status = statusOf(row, indicator.target, panel.thresholds);
    const href = drill(indicator.id, row.code);
    const text = rateText(row);
    return h(
      'td',
      { class: `cell status-${status}`, style: { background: tint(status) }, title: cellTitle(indicator.name_zh, groupName, row, indicator.target), 'data-status': status },
      href ? h('a', { href }, text) : text,
    );
  };

  const head = [h('th', { scope: 'col' }, '指标 Indicator'), h('th', { scope: 'col' }, '目标 Target'), ...[...groups].map(([code, name]) => h('th', { scope: 'col' }, nameWithCode(name, code))), h('th', { scope: 'col', class: 'total' }, `${assessment.region.name} 合计 total`)];
  const rows = indicators.map((i) => {
    const byCode = new Map(i.rows.map((r) => [r.code, r]));
    const none = { numerator: 0, denominator: 0, rate: null, data_problem: null };
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, i.name_zh, h('br'), h('small', {}, i.name_en)),
      h('td', {}, pct(i.target)),
      [...groups].map(([code, name]) => cell(i, byCode.get(code) ?? { ...none, code }, name)),
      cell(i, i.total, assessment.region.name),
    );
  });
  el.replaceChildren(
    h('p', { class: 'meta' }, `评估日期 evaluation date ${assessment.period.evaluation_date}`, ' · ', freshnessText(freshness)),
    legend(panel.thresholds),
    h('div', { class: 'scroll' }, h('table', { class: 'scorecard' }, h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows))),
  );
}

function tint(status) {
  return { green: '#dcfce7', amber: '#fef3c7', red: '#fee2e2', none: '#f3f4f6' }[status];
}

function legend(t) {
  return h(
    'p',
    { class: 'legend' },
    ['green', 'amber', 'red', 'none'].map((s) => h('span', { class: 'chip', style: { borderColor: COLOURS[s], background: tint(s) } }, STATUS_LABELS[s])),
    ` 黄：低于目标×${t.amber_below}；红：低于目标×${t.red_below} (amber below ${t.amber_below}× target, red below ${t.red_below}× target)`,
  );
}

/** The newest event any institution sent, and how many stopped sending. */
function freshnessText(freshness) {
  if (freshness instanceof Error) return `数据时效不可用 freshness unavailable (${freshness.message})`;
  const latest = freshness.rows.map((r) => r.last_received_at).filter(Boolean).sort().at(-1);
  return `数据截至 data as of ${latest ? latest.slice(0, 16).replace('T', ' ') : '无数据 none'} · ${freshness.stale} 家机构超过 ${freshness.stale_after_days} 天未上报 institutions silent`;
}
