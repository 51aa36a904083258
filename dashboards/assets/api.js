// Requests to the /v1 API with the tab's token; a 401 asks for a token and tries once more.
import { askToken, getToken } from './token.js';

export class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function send(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    const body = await res.json().catch(() => null);
    const again = await askToken(`${body?.error?.message ?? '需要登录 authentication required'} — 请输入访问令牌 enter an API token`);
    if (!again) throw new ApiProblem(401, 'unauthenticated', '未提供令牌 no token given');
    res = await fetch(path, { ...init, headers: { ...headers, authorization: `Bearer ${again}` } });
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const words = { 403: '无权限 not permitted', 404: '未找到 not found', 429: '请求过多 too many requests', 503: '服务繁忙 server busy' }[res.status] ?? `错误 error ${res.status}`;
    throw new ApiProblem(res.status, body?.error?.code ?? 'error', `${words}: ${body?.error?.message ?? res.statusText}`);
  }
  return res;
}

export async function getJson(path, signal) {
  return (await send(path, { signal })).json();
}

export async function postJson(path, body, signal) {
  return (await send(path, { method: 'POST', signal, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
}

/** A download (CSV, XLSX) fetched with the token and saved as a blob, under the server's file name. */
export async function download(path, fallbackName) {
  const res = await send(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
