// The page's declared controls (year, region, indicator, …); a change goes to the URL state.
import { h } from './dom.js';
import { BY_LABELS, PROGRAM_LABELS } from './labels.js';
import { nameWithCode } from './format.js';
import { streetOf } from './url-state.js';

const option = (value, text, selected) => h('option', { value, selected: value === selected }, text);

export async function renderFilters(form, declared, ctx) {
  const { state } = ctx;
  const controls = [];
  const field = (label, control) => h('label', {}, `${label} `, control);
  const onChange = (key) => (e) => ctx.setState({ [key]: e.target.value, ...resetPages(ctx) });
  for (const key of declared) {
    if (key === 'year') {
      controls.push(field('年度 Year', h('input', { type: 'number', min: 2000, max: 2100, value: state.year, onchange: onChange('year') })));
    } else if (key === 'indicator') {
      controls.push(field('指标 Indicator', h('select', { onchange: onChange('indicator') }, ctx.catalogue.map((i) => option(i.id, `${i.name_zh} ${i.name_en}`, state.indicator)))));
    } else if (key === 'by') {
      const levels = ctx.panels.some((p) => p.type === 'assessment') ? ['street', 'institution'] : ['street', 'community', 'institution'];
      controls.push(field('分组 By', h('select', { onchange: onChange('by') }, levels.map((l) => option(l, BY_LABELS[l], state.by)))));
    } else if (key === 'region') {
      const street = streetOf(state.region);
      const communities = street ? await ctx.names.communities(street).catch(() => []) : [];
      const options = [option('', `${ctx.names.county.name} (${ctx.names.county.code}) 全区`, state.region)];
      for (const s of ctx.names.streets) {
        options.push(option(s.code, nameWithCode(s.name, s.code), state.region));
        if (s.code === street) for (const c of communities) options.push(option(c.code, `　${nameWithCode(c.name, c.code)}`, state.region));
      }
      controls.push(field('地区 Region', h('select', { onchange: onChange('region') }, options)));
    } else if (key === 'institution') {
      const options = [option('', '全部机构 all institutions', state.institution), ...ctx.names.institutions.map((i) => option(i.code, nameWithCode(i.name, i.code), state.institution))];
      controls.push(field('机构 Institution', h('select', { onchange: onChange('institution') }, options)));
    } else if (key === 'kind') {
      const kinds = ctx.issueKinds ?? [];
      const options = [option('', '全部类型 all kinds', state.kind), ...kinds.map((k) => option(k.kind, `${k.label_zh} ${k.label_en}`, state.kind))];
      if (state.kind && !kinds.some((k) => k.kind === state.kind)) options.push(option(state.kind, state.kind, state.kind));
      controls.push(field('问题类型 Kind', h('select', { onchange: onChange('kind') }, options)));
    } else if (key === 'program') {
      const options = [option('', '全部项目 all programs', state.program), ...Object.entries(PROGRAM_LABELS).map(([code, label]) => option(code, label, state.program))];
      controls.push(field('项目 Program', h('select', { onchange: onChange('program') }, options)));
    }
  }
  form.replaceChildren(...controls);
}

/** A new selection starts every list at its first page. */
function resetPages(ctx) {
  return Object.fromEntries(Object.keys(ctx.defaults).filter((k) => k.endsWith('_page')).map((k) => [k, 1]));
}
