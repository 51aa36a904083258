// 月度趋势: monthly values of an indicator from the nightly snapshots, one line per street/town
// (and the district), the target drawn.
import { getJson } from './api.js';
import { drawLines } from './charts.js';
import { empty, h, table } from './dom.js';
import { nameWithCode, rateText, targetText } from './format.js';
import { apiQuery } from './url-state.js';

export async function render(el, panel, ctx) {
  const { state, signal } = ctx;
  const indicatorId = state.indicator || panel.indicator || ctx.catalogue[0].id;
  const answer = await getJson(`/v1/indicators/${encodeURIComponent(indicatorId)}/trend${apiQuery({ year: state.year, by: panel.by, region: state.region })}`, signal);
  if (signal.aborted) return;
  const meta = h('p', { class: 'meta' }, `${answer.name_zh} ${answer.name_en} · ${answer.year} · 目标 target ${targetText(answer.target)}`);
  if (answer.months.length === 0) {
    el.replaceChildren(meta, empty(`${answer.from} 至 ${answer.to} 尚无月度快照 no nightly snapshots in this period yet`));
    return;
  }
  const all = [...answer.rows, { ...answer.total, name: `${answer.total.name} 合计 total` }];
  const valueAt = (s, month) => s.points.find((p) => p.month === month);
  const chart = h('div', { class: 'chart' });
  el.replaceChildren(
    meta,
    panel.chart === 'line' ? chart : '',
    table(
      ['名称 Name', ...answer.months],
      all.map((s) => [nameWithCode(s.name, s.code), ...answer.months.map((m) => { const p = valueAt(s, m); return p ? rateText(p) : '无快照 no snapshot'; })]),
    ),
  );
  await drawLines(chart, {
    months: answer.months,
    series: all.map((s) => ({ name: s.name || s.code, values: answer.months.map((m) => { const p = valueAt(s, m); return p && !p.data_problem ? p.rate : null; }) })),
    target: panel.show_target ? answer.target : null,
  });
}
