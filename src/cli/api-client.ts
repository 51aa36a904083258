// The CLI as a client of a running server. chDB binds the embedded data directory to one process,
// so beside `hap serve` the commands that write send through its API instead of opening the store.
// Answers are values: the command decides what to say.
import type { Config } from '../config/config.js';

export interface ApiTarget {
  url: string;
  token?: string;
}

export type ApiAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; problem: string };

/** The server to send through: HAP_API_URL, else the address this configuration serves on. */
export function serverTarget(config: Config): ApiTarget {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return { url: config.api.url ?? `http://${host}:${config.port}`, ...(config.api.token ? { token: config.api.token } : {}) };
}

/** True when the command was told to send through a server rather than open the store. */
export function sendsThroughServer(config: Config): boolean {
  return config.api.url !== undefined;
}

/** One line for the user of a command that met a store held by a server. */
export function storeHeldMessage(command: string, path: string, usage: string): string {
  return `hap ${command}: the store ${path} is held by a running server (hap serve); send through it: HAP_API_URL=http://HOST:PORT HAP_API_TOKEN=<operator token, hap token create --role operator> hap ${usage}`;
}

export async function callApi<T>(target: ApiTarget, method: 'GET' | 'POST' | 'PUT', path: string, body?: { type: string; text: string }): Promise<ApiAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        ...(body ? { 'content-type': body.type } : {}),
      },
      ...(body ? { body: body.text } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: 0, code: 'unreachable', problem: `no server answers at ${target.url} (${cause?.code ?? cause?.message ?? String(error)})` };
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: json as T };
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
  const hint = response.status === 401 ? ' (set HAP_API_TOKEN to an operator token: hap token create --role operator)' : '';
  return { ok: false, status: response.status, code, problem: `${target.url}${path}: ${response.status} ${code}: ${message}${hint}` };
}
