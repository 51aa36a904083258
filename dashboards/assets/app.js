// Boots a page: its declaration (GET /v1/dashboards), the catalogue, names, then its panels in
// order. The view's state is the URL's query string; a new state aborts the requests of the old.
import { getJson } from './api.js';
import { empty, h, loading, problem } from './dom.js';
import { renderFilters } from './filters.js';
import { latestOnly } from './latest-only.js';
import { loadNames } from './names.js';
import { loadCharts } from './charts.js';
import { askToken } from './token.js';
import { readState, writeState } from './url-state.js';

const PANEL_MODULES = {
  scorecard: './panel-scorecard.js',
  drilldown: './panel-drilldown.js',
  trend: './panel-trend.js',
  worklist: './panel-worklist.js',
  assessment: './panel-assessment.js',
  rejections: './panel-intake.js',
  freshness: './panel-intake.js',
  ingest: './panel-intake.js',
};

const byOrder = (a, b) => (a.order ?? 500) - (b.order ?? 500);

function defaultsOf(page, catalogue) {
  const first = page.panels.find((p) => p.indicator)?.indicator ?? catalogue[0]?.id ?? '';
  const by = page.panels.find((p) => p.by)?.by ?? 'street';
  const defaults = { year: new Date().getFullYear(), region: '', indicator: first, by, kind: '', program: '', institution: '' };
  for (const p of page.panels) if (p.type === 'worklist') defaults[`${p.id}_page`] = 1;
  return defaults;
}

async function boot() {
  const status = document.getElementById('status');
  const main = document.getElementById('panels');
  const form = document.getElementById('filters');
  // A token given by hand starts the page again with it (the first answers may have been 401s).
  document.getElementById('token-button').addEventListener('click', async () => (await askToken()) && location.reload());
  loading(main);
  const boot = new AbortController();
  const [{ dashboards }, { indicators }, names] = await Promise.all([
    getJson('/v1/dashboards', boot.signal),
    getJson('/v1/indicators', boot.signal),
    loadNames(document.body.dataset.county, boot.signal),
  ]);
  const page = dashboards.find((d) => d.name === document.body.dataset.page);
  if (!page) return problem(main, new Error(`未声明的页面 no declaration for ${document.body.dataset.page}`));
  const panels = [...page.panels].sort(byOrder);
  const defaults = defaultsOf(page, indicators);
  const guard = latestOnly();
  const ctx = { page, panels, catalogue: indicators, names, defaults, dashboards, state: readState(location.search, defaults) };
  ctx.setState = (partial, { replace = false } = {}) => {
    const changed = new Set(Object.keys(partial).filter((key) => ctx.state[key] !== partial[key]));
    ctx.state = { ...ctx.state, ...partial };
    const url = `${location.pathname}${writeState(ctx.state, defaults)}`;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    render(changed);
  };
  ctx.refreshFilters = () => renderFilters(form, page.filters, ctx);
  // Panels get a copy of ctx (with their request's signal): what they learn for the filters is
  // kept here, on the view's own ctx, or the kind filter would never list the kinds.
  ctx.learnIssueKinds = (kinds) => {
    if (ctx.issueKinds) return;
    ctx.issueKinds = kinds;
    ctx.refreshFilters();
  };

  // echarts downloads and parses while the panels' data loads, on pages that draw a chart.
  if (panels.some((p) => p.chart && p.chart !== 'none')) loadCharts();

  const slots = panels.map((p) => h('section', { class: `panel panel-${p.type}`, id: `panel-${p.id}` }, h('h2', {}, p.title_zh, ' ', h('small', {}, p.title_en)), h('div', { class: 'body' })));
  main.replaceChildren(...slots);
  // The state keys each panel read when it last drew, and whether that drawing finished: a new
  // selection redraws only the panels that read a changed key (turning the worklist's page does
  // not reload the overdue list), and any panel whose last drawing was cut short.
  const reads = panels.map(() => new Set());
  const drawn = panels.map(() => false);

  // aria-busy: true from a new selection until every panel has drawn (screen readers wait; the
  // browser tests and the page benchmark wait for it too). The filters draw beside the panels.
  async function render(changed = null) {
    const { signal } = guard.next();
    main.setAttribute('aria-busy', 'true');
    status.textContent = '';
    await Promise.all([
      renderFilters(form, page.filters, ctx).catch(() => {}),
      ...panels.map(async (panel, i) => {
        if (changed && drawn[i] && ![...changed].some((key) => reads[i].has(key))) return;
        const body = slots[i].querySelector('.body');
        const used = new Set();
        reads[i] = used;
        drawn[i] = false;
        const state = new Proxy(ctx.state, { get: (target, key) => (typeof key === 'string' && used.add(key), target[key]) });
        loading(body);
        try {
          const module = await import(PANEL_MODULES[panel.type]);
          await module.render(body, panel, { ...ctx, state, signal });
          drawn[i] = !signal.aborted;
        } catch (error) {
          if (signal.aborted || error?.name === 'AbortError') return;
          problem(body, error);
          drawn[i] = true;
        }
      }),
    ]);
    if (!signal.aborted) main.setAttribute('aria-busy', 'false');
  }
  window.addEventListener('popstate', () => {
    ctx.state = readState(location.search, defaults);
    render();
  });
  if (panels.length === 0) main.replaceChildren(empty('此页没有面板 no panels'));
  await render();
}

boot().catch((error) => {
  const main = document.getElementById('panels');
  problem(main, error);
  main.setAttribute('aria-busy', 'false');
});
