// echarts (/assets/vendor/echarts.min.js, served from the package) behind two calls. It is about
// 1 MB of script: fetched only by pages that draw a chart, and started as soon as a page knows it
// will (loadCharts from app.js), so it downloads and parses while the page's data loads.
import { COLOURS } from './thresholds.js';

const charts = new WeakMap();
let library = null;

/** The echarts global, loaded once; null when it cannot be (the chart then says so). */
export function loadCharts() {
  library ??= new Promise((resolve) => {
    if (globalThis.echarts) return resolve(globalThis.echarts);
    const script = document.createElement('script');
    script.src = '/assets/vendor/echarts.min.js';
    script.onload = () => resolve(globalThis.echarts ?? null);
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
  return library;
}

async function chartOn(el) {
  const echarts = await loadCharts();
  if (!echarts) {
    el.textContent = '图表组件未加载 charts unavailable';
    return null;
  }
  const existing = charts.get(el);
  if (existing) return existing;
  const chart = echarts.init(el);
  charts.set(el, chart);
  new ResizeObserver(() => chart.resize()).observe(el);
  return chart;
}

const percentAxis = { type: 'value', axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } };
const targetLine = (target) => (target === null || target === undefined ? undefined : { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#111' }, label: { formatter: `目标 ${Math.round(target * 1000) / 10}%` }, data: [{ yAxis: target }] });

export async function drawBars(el, { labels, values, statuses, target, onClick }) {
  const chart = await chartOn(el);
  if (!chart) return;
  chart.setOption(
    {
      grid: { left: 50, right: 20, bottom: 90, top: 30 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '' : `${(v * 100).toFixed(1)}%`) },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 35, interval: 0 } },
      yAxis: percentAxis,
      series: [{ type: 'bar', data: values.map((v, i) => ({ value: v, itemStyle: { color: COLOURS[statuses[i]] } })), markLine: targetLine(target) }],
    },
    true,
  );
  chart.off('click');
  if (onClick) chart.on('click', (p) => onClick(p.dataIndex));
}

export async function drawLines(el, { months, series, target }) {
  const chart = await chartOn(el);
  if (!chart) return;
  chart.setOption(
    {
      grid: { left: 50, right: 20, bottom: 60, top: 40 },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '' : `${(v * 100).toFixed(1)}%`) },
      xAxis: { type: 'category', data: months },
      yAxis: percentAxis,
      series: series.map((s, i) => ({ type: 'line', name: s.name, data: s.values, connectNulls: false, markLine: i === 0 ? targetLine(target) : undefined })),
    },
    true,
  );
}
