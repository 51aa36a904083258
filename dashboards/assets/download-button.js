// A download button (CSV, XLSX): the file is fetched with the tab's token (a plain link would go
// without it) and saved under the server's file name; a failure is said beside the button.
import { download } from './api.js';
import { h } from './dom.js';

export function downloadButton(format, path, fallbackName) {
  return h('button', { type: 'button', class: 'download', 'data-format': format, onclick: (e) => saveAs(e.currentTarget, path, fallbackName) }, `下载 ${format.toUpperCase()} Download`);
}

async function saveAs(button, path, name) {
  button.disabled = true;
  button.parentElement?.querySelector('.problem')?.remove();
  try {
    await download(path, name);
  } catch (error) {
    button.after(h('span', { class: 'problem' }, ` ${error.message}`));
  } finally {
    button.disabled = false;
  }
}
