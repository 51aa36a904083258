// 数据接收: rejected events by reason and by institution, freshness per institution, ingest lag.
import { getJson } from './api.js';
import { drawBars } from './charts.js';
import { empty, h, table } from './dom.js';
import { int, nameWithCode } from './format.js';

export async function render(el, panel, ctx) {
  const renderers = { rejections, freshness, ingest };
  return renderers[panel.type](el, panel, ctx);
}

async function rejections(el, panel, ctx) {
  // Counts only (by reason, by institution): no rows are shown, so one row is asked for.
  const answer = await getJson('/v1/rejections?status=open&page_size=1', ctx.signal);
  if (ctx.signal.aborted) return;
  const reasons = Object.entries(answer.by_reason).sort((a, b) => b[1] - a[1]);
  const byInstitution = Object.entries(answer.by_institution);
  const chart = h('div', { class: 'chart small' });
  el.replaceChildren(
    h('p', { class: 'meta' }, `未修正的退回事件 open rejections: ${int(answer.total)}`),
    panel.chart === 'bar' && reasons.length ? chart : '',
    reasons.length ? table(['原因 Reason', '事件数 Events'], reasons.map(([code, n]) => [code, int(n)])) : empty('没有退回事件 no rejected events'),
    h('h3', {}, '按机构 By institution'),
    byInstitution.length ? table(['机构 Institution', '事件数 Events'], byInstitution.map(([code, n]) => [nameWithCode(ctx.names.name(code), code), int(n)])) : empty('无 none'),
  );
  if (panel.chart === 'bar' && reasons.length) await drawBars(chart, { labels: reasons.map(([c]) => c), values: reasons.map(([, n]) => n / Math.max(1, answer.total)), statuses: reasons.map(() => 'red'), target: null });
}

async function freshness(el, _panel, ctx) {
  const answer = await getJson('/v1/quality/freshness', ctx.signal);
  if (ctx.signal.aborted) return;
  el.replaceChildren(
    h('p', { class: 'meta' }, `截至 as of ${answer.as_of} · ${answer.stale} 家机构超过 ${answer.stale_after_days} 天未上报 institutions silent`),
    table(
      ['机构 Institution', '最近接收 Last received', '距今天数 Days since', '最近服务日期 Last service', '状态 Status'],
      answer.rows.map((r) => h('tr', { class: r.stale ? 'status-red' : '' }, h('td', {}, nameWithCode(r.name, r.code)), h('td', {}, r.last_received_at?.slice(0, 16).replace('T', ' ') ?? '从未上报 never'), h('td', { class: 'num' }, r.days_since_received ?? ''), h('td', {}, r.last_occurred_at?.slice(0, 10) ?? ''), h('td', {}, r.status_label))),
    ),
  );
}

async function ingest(el, _panel, ctx) {
  const s = await getJson('/v1/ingest/status', ctx.signal);
  if (ctx.signal.aborted) return;
  const lag = s.total_lag === null ? (s.mode === 'embedded' ? '内嵌模式无队列 embedded mode: no queue' : '未知 unknown') : int(s.total_lag);
  el.replaceChildren(
    table(['项 Item', '值 Value'], [
      ['模式 Mode', s.mode],
      ['待处理消息 Lag (messages)', lag],
      ['已接收 Accepted', int(s.accepted)],
      ['已退回 Rejected', int(s.rejected)],
      ['每秒事件（近一分钟） Events/s, last minute', s.events_per_second_last_minute.toFixed(1)],
      ['最近批次 Last batch', s.last_batch_at ?? '无 none'],
    ]),
    s.lag?.length ? table(['分区 Partition', '已提交 Committed', '最新 High', '延迟 Lag'], s.lag.map((p) => [p.partition, p.committed, p.high, int(p.lag)])) : '',
  );
}
