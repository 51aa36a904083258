// Request logs carry no personal data: query values (an ID number in `?q=`, a name) are replaced
// by `*`, only the parameter names stay; bodies are never logged (Fastify logs none by default,
// and nothing here adds them).
import type { FastifyRequest } from 'fastify';

/** `/v1/x?region=500104&q=110105…` → `/v1/x?region=*&q=*`. */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const name = pair.split('=')[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {}
      // A parameter name is sent by the caller too: only plain names are echoed.
      return `${/^[A-Za-z0-9_.[\]-]{1,64}$/.test(decoded) ? decoded : '?'}=*`;
    });
  return `${url.slice(0, at)}?${names.join('&')}`;
}

/** The logger's view of a request: method, redacted URL, route, no headers, no body. */
export function requestLogView(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactedUrl(request.url), id: request.id };
}
