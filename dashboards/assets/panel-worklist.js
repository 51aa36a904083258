// 工作清单: the quality worklist or the overdue follow-ups, masked as the API answers them, paged,
// with a reveal (reason asked, recorded) for those permitted, and CSV/XLSX downloads of every row
// under the current filters. Overdue people never followed up are listed apart from those merely late.
import { getJson, postJson } from './api.js';
import { empty, h, table } from './dom.js';
import { downloadButton } from './download-button.js';
import { int, nameWithCode } from './format.js';
import { programLabel } from './labels.js';
import { splitOverdue } from './overdue-split.js';
import { apiQuery } from './url-state.js';

export async function render(el, panel, ctx) {
  const { state, signal } = ctx;
  const pageKey = `${panel.id}_page`;
  const page = state[pageKey] ?? 1;
  // The list's filters: the page shows one page of them, a download every row.
  const route = panel.source === 'issues' ? '/v1/quality/issues' : '/v1/followups/overdue';
  const filters = { region: state.region, institution: state.institution, ...(panel.source === 'issues' ? { year: state.year, kind: state.kind } : { program: state.program }) };
  const answer = await getJson(`${route}${apiQuery({ ...filters, page, page_size: panel.page_size })}`, signal);
  if (signal.aborted) return;
  const downloads = h(
    'p',
    { class: 'downloads no-print' },
    (panel.downloads ?? []).map((format) => downloadButton(format, `${route}${apiQuery({ ...filters, format })}`, `${panel.source}.${format}`)),
  );
  const place = (r) => nameWithCode(ctx.names.name(r.division_code) || ctx.names.name(r.division_code.slice(0, 9)), r.division_code);
  const holder = (r) => nameWithCode(ctx.names.name(r.institution_code), r.institution_code);
  const reveal = (r) => (r.person_ref ? h('button', { type: 'button', class: 'reveal no-print', onclick: (e) => revealPerson(r.person_ref, e.target) }, '查看 Reveal') : '');
  const pager = pagerOf(answer, (p) => ctx.setState({ [pageKey]: p }));
  if (panel.source === 'issues') {
    ctx.learnIssueKinds(answer.kinds);
    const label = new Map(answer.kinds.map((k) => [k.kind, `${k.label_zh} ${k.label_en}`]));
    const counts = h('p', { class: 'counts' }, Object.entries(answer.counts_by_kind).map(([kind, n]) => h('button', { type: 'button', class: 'chip', onclick: () => ctx.setState({ kind, [pageKey]: 1 }) }, `${label.get(kind) ?? kind}: ${int(n)}`)));
    const rows = answer.rows.map((r) => [r.label_zh, r.name_masked, r.id_masked, place(r), holder(r), r.archive_no, r.detail, r.on_date ?? '', reveal(r)]);
    el.replaceChildren(counts, downloads, rows.length ? table(['类型 Kind', '姓名 Name', '证件号 ID', '地区 Region', '机构 Institution', '档案号 Archive no.', '说明 Detail', '日期 Date', ''], rows) : empty('没有问题记录 no records with problems'), pager);
    return;
  }
  const { never, late } = splitOverdue(answer.rows);
  const head = ['项目 Program', '姓名 Name', '证件号 ID', '地区 Region', '机构 Institution', '上次随访 Last follow-up', '应随访 Due', '逾期天数 Days overdue', ''];
  const line = (r) => [programLabel(r.program), r.name_masked, r.id_masked, place(r), holder(r), r.last_followup_on ?? '从未随访 never', r.due_on, int(r.days_overdue), reveal(r)];
  el.replaceChildren(
    h('p', { class: 'meta' }, `截至 as of ${answer.as_of} · 共 ${int(answer.total)} 人 people`),
    downloads,
    h('h3', {}, `从未随访 Never followed up (${never.length}，本页 this page)`),
    never.length ? table(head, never.map(line)) : empty('本页无 none on this page'),
    h('h3', {}, `逾期 Late (${late.length}，本页 this page)`),
    late.length ? table(head, late.map(line)) : empty('本页无 none on this page'),
    pager,
  );
}

function pagerOf(answer, go) {
  const pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
  return h(
    'p',
    { class: 'pager no-print' },
    h('button', { type: 'button', disabled: answer.page <= 1, onclick: () => go(answer.page - 1) }, '上一页 Previous'),
    ` 第 ${answer.page} / ${pages} 页 page · 共 ${int(answer.total)} 条 rows `,
    h('button', { type: 'button', disabled: answer.page >= pages, onclick: () => go(answer.page + 1) }, '下一页 Next'),
  );
}

/** Asks the reason, calls POST /v1/people/reveal, shows the identity in place of the button. */
function revealPerson(personRef, button) {
  const dialog = document.getElementById('reveal-dialog');
  const reason = dialog.querySelector('textarea[name=reason]');
  reason.value = '';
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'ok' || reason.value.trim().length < 4) return;
      button.disabled = true;
      try {
        const who = await postJson('/v1/people/reveal', { person_ref: personRef, reason: reason.value.trim() });
        button.replaceWith(h('span', { class: 'revealed' }, `${who.name} ${who.id_number}`));
      } catch (error) {
        button.replaceWith(h('span', { class: 'problem' }, error.message));
      }
    },
    { once: true },
  );
  dialog.showModal();
}
