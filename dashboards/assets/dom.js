// Small DOM helpers: elements from data (text only, never HTML from answers), tables, states.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  // Children may nest lists to any depth (a row of column groups of cells): all are appended as elements.
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** A table: `head` is a list of header cells (or rows of them), `rows` lists of cells (text or elements). */
export function table(head, rows, attrs = {}) {
  const headRows = Array.isArray(head[0]) ? head : [head];
  return h(
    'table',
    attrs,
    h('thead', {}, headRows.map((r) => h('tr', {}, r.map((c) => (c instanceof Node ? c : h('th', {}, c)))))),
    h('tbody', {}, rows.map((r) => (r instanceof Node ? r : h('tr', {}, r.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', {}, c))))))),
  );
}

export function loading(el) {
  el.replaceChildren(h('p', { class: 'loading' }, '加载中… Loading…'));
}

export function problem(el, error) {
  el.replaceChildren(h('p', { class: 'problem' }, error?.message ?? String(error)));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}
