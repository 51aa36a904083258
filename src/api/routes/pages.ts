// The web pages (dashboards/page.html filled with a declaration's title), their assets
// (dashboards/assets/*.js|css, and echarts from the installed package) and the declarations
// themselves. Pages and assets are public: they hold no data. The declarations and every figure
// the pages show come from /v1 routes with a token.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Dashboard } from '../../dashboards/dashboard-schema.js';
import { ApiError } from '../errors.js';
import { errorResponse } from '../schemas.js';

/**
 * echarts is served from the installed package, not copied at build: the file served is always
 * the version package-lock.json pins, there is no copy to go stale, and `npm install` (whose
 * `prepare` is only tsc) needs no extra step.
 */
const ECHARTS_FILE = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page shell with its title, the navigation of every declared page, and a modulepreload of
 * every page module: the browser fetches them side by side at once instead of import by import
 * (app.js → its imports → theirs → the panel's module), a few round trips off the first view.
 */
export function renderPage(shell: string, page: Dashboard, all: readonly Dashboard[], county: string, modules: readonly string[] = []): string {
  const nav = all
    .map((d) => `<a href="${d === all[0] ? '/' : `/pages/${d.name}`}"${d.name === page.name ? ' aria-current="page"' : ''}>${escapeHtml(d.title_zh)} <small>${escapeHtml(d.title_en)}</small></a>`)
    .join('\n    ');
  const preload = modules.map((m) => `<link rel="modulepreload" href="/assets/${escapeHtml(m)}">`).join('\n');
  const values: Record<string, string> = { name: page.name, county: escapeHtml(county), title_zh: escapeHtml(page.title_zh), title_en: escapeHtml(page.title_en), nav, preload };
  return shell.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => values[key] ?? '');
}

export const pageRoutes: FastifyPluginAsyncZod<{ dir: string; dashboards: readonly Dashboard[]; county: string }> = async (app, { dir, dashboards, county }) => {
  const shell = readFileSync(join(dir, 'page.html'), 'utf8');
  const modules = readdirSync(join(dir, 'assets')).filter((f) => f.endsWith('.js')).sort();
  const pages = new Map(dashboards.map((d) => [d.name, renderPage(shell, d, dashboards, county, modules)]));
  const home = pages.get(dashboards[0]!.name)!;
  await app.register(fastifyStatic, { root: join(dir, 'assets'), serve: false });

  const html = { 200: z.string(), 404: errorResponse };
  app.get('/', { config: { access: 'public' }, schema: { hide: true, response: html } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(home),
  );
  app.get('/pages/:name', { config: { access: 'public' }, schema: { hide: true, params: z.object({ name: z.string() }), response: html } }, async (request, reply) => {
    const page = pages.get(request.params.name);
    if (!page) throw new ApiError('not_found', `no page ${request.params.name}; pages: ${[...pages.keys()].join(', ')}`);
    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/assets/vendor/echarts.min.js', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.sendFile('echarts.min.js', dirname(ECHARTS_FILE), { maxAge: 86_400_000 }),
  );
  app.get(
    '/assets/:file',
    { config: { access: 'public' }, schema: { hide: true, params: z.object({ file: z.string().regex(/^[a-z0-9-]+\.(js|css)$/, 'an asset name') }) } },
    // send refuses paths outside the root; the pattern above already allows no directory.
    async (request, reply) => reply.sendFile(request.params.file, { maxAge: 0 }),
  );

  app.get(
    '/v1/dashboards',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['reference'],
        summary: '看板声明 the dashboard declarations (dashboards/*.json) the pages render',
        response: { 200: z.object({ dashboards: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async () => ({ dashboards: dashboards as unknown as Record<string, unknown>[] }),
  );
};
