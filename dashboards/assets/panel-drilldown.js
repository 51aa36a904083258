// 逐级下钻: one indicator for the groups one level below the region (street/town → community →
// institution), bar chart and table, with its formula and source; a click goes one level down.
import { getJson } from './api.js';
import { drawBars } from './charts.js';
import { h, table } from './dom.js';
import { int, nameWithCode, rateText, targetText } from './format.js';
import { STATUS_LABELS, statusOf } from './thresholds.js';
import { apiQuery, nextLevel, streetOf } from './url-state.js';

export async function render(el, panel, ctx) {
  const { state, signal } = ctx;
  const indicatorId = state.indicator || panel.indicator || ctx.catalogue[0].id;
  const definition = ctx.catalogue.find((i) => i.id === indicatorId);
  const by = state.region.length === 12 && state.by === 'street' ? 'community' : state.by;
  const answer = await getJson(`/v1/indicators/${encodeURIComponent(indicatorId)}${apiQuery({ year: state.year, region: state.region, by })}`, signal);
  if (signal.aborted) return;
  const target = answer.total.target;
  const down = (code) => {
    if (by === 'institution' || code === '' || !/^\d+$/.test(code)) return null;
    return () => ctx.setState({ region: code, by: nextLevel(code) });
  };
  const rows = answer.rows.map((r) => {
    const status = statusOf(r, target, panel.thresholds);
    const go = down(r.code);
    const name = nameWithCode(r.name || ctx.names.name(r.code), r.code);
    return h(
      'tr',
      { class: `status-${status}` },
      h('td', {}, go ? h('a', { href: '#', onclick: (e) => (e.preventDefault(), go()) }, name) : name),
      h('td', { class: 'num' }, int(r.numerator)),
      h('td', { class: 'num' }, int(r.denominator)),
      h('td', { class: 'num' }, rateText(r)),
      h('td', { class: 'num' }, targetText(r.target)),
      h('td', {}, STATUS_LABELS[status]),
    );
  });
  const total = answer.total;
  rows.push(
    h('tr', { class: 'total' }, h('td', {}, `${answer.region.name} 合计 total`), h('td', { class: 'num' }, int(total.numerator)), h('td', { class: 'num' }, int(total.denominator)), h('td', { class: 'num' }, rateText(total)), h('td', { class: 'num' }, targetText(total.target)), h('td', {}, STATUS_LABELS[statusOf(total, target, panel.thresholds)])),
  );
  const chart = h('div', { class: 'chart' });
  el.replaceChildren(
    breadcrumb(answer, ctx),
    h('p', { class: 'meta' }, `${answer.name_zh} ${answer.name_en} · ${answer.period.year} · 评估日期 evaluation date ${answer.period.evaluation_date}`),
    definition ? h('p', { class: 'formula' }, `公式 formula: ${definition.formula_zh}`, h('br'), `来源 source: ${definition.source}`) : '',
    panel.chart === 'bar' ? chart : '',
    table(['名称 Name', '分子 Numerator', '分母 Denominator', '率 Rate', '目标 Target', '评价 Status'], rows),
  );
  if (panel.chart === 'bar') {
    await drawBars(chart, {
      labels: answer.rows.map((r) => r.name || r.code),
      values: answer.rows.map((r) => (r.data_problem ? null : r.rate)),
      statuses: answer.rows.map((r) => statusOf(r, target, panel.thresholds)),
      target,
      onClick: (i) => down(answer.rows[i].code)?.(),
    });
  }
}

/** 全区 › 街道 › 社区, each a link back up. */
function breadcrumb(answer, ctx) {
  const region = answer.region.code;
  const steps = [{ code: '', name: ctx.names.county.name }];
  const street = streetOf(region);
  if (street) steps.push({ code: street, name: ctx.names.name(street) || street });
  if (region.length === 12) steps.push({ code: region, name: answer.region.name });
  const links = steps.map((s, i) =>
    i === steps.length - 1 ? h('strong', {}, s.name) : h('a', { href: '#', onclick: (e) => (e.preventDefault(), ctx.setState({ region: s.code, by: nextLevel(s.code) })) }, s.name),
  );
  const levels = ['street', 'community', 'institution'].filter((l) => !(l === 'street' && region.length === 12));
  return h(
    'nav',
    { class: 'crumbs' },
    links.flatMap((l, i) => (i ? [' › ', l] : [l])),
    ' · 按 by ',
    levels.map((l) => h('button', { type: 'button', 'aria-pressed': String(ctx.state.by === l), onclick: () => ctx.setState({ by: l }) }, { street: '街道/镇', community: '社区/村', institution: '机构' }[l])),
  );
}
