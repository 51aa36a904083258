// The web pages through the real app: every declared page answers its HTML shell with the Chinese
// title, assets (echarts included) come from the package with a JS content type, the
// declarations are served to token holders, and an invalid declaration stops buildApp.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { DASHBOARDS_DIR } from '../../src/dashboards/dashboard-loader.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;

const declarations = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, f), 'utf8')) as { name: string; title_zh: string; order: number });
const PAGES: Record<string, string> = { overview: '考核总览', drilldown: '逐级下钻', trends: '月度趋势', worklists: '工作清单', assessment: '年度考核', intake: '数据接收' };

beforeAll(async () => {
  runtime = await openTestRuntime('it_pages');
  app = await buildApp(runtime);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('pages', () => {
  it('declares the six pages of issue 10', () => {
    expect(Object.fromEntries(declarations.map((d) => [d.name, d.title_zh]))).toEqual(PAGES);
  });

  it.each(Object.entries(PAGES))('/pages/%s answers HTML titled %s', async (name, title) => {
    const res = await app.inject({ method: 'GET', url: `/pages/${name}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.body).toContain(`<title>${title} `);
    expect(res.body).toContain(`<h1>${title} <small>`);
    expect(res.body).toContain(`data-page="${name}"`);
    expect(res.body).toContain('data-county="500104"');
    // every page links to every other
    for (const other of Object.values(PAGES)) expect(res.body).toContain(other);
    // nothing from the internet
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('/ is the overview', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>考核总览 ');
  });

  it('an unknown page is a 404 naming the pages', async () => {
    const res = await app.inject({ method: 'GET', url: '/pages/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('overview');
  });
});

describe('assets', () => {
  it('serves echarts from the installed package with a JS content type', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/vendor/echarts.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.body.length).toBeGreaterThan(500_000);
    expect(res.body).toContain('echarts');
  });

  it('serves every page module and style sheet the shell names', async () => {
    for (const file of readdirSync(join(DASHBOARDS_DIR, 'assets'))) {
      const res = await app.inject({ method: 'GET', url: `/assets/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toMatch(file.endsWith('.js') ? /^(application|text)\/javascript/ : /^text\/css/);
    }
  });

  it('refuses paths outside the assets', async () => {
    for (const url of ['/assets/..%2Fpage.html', '/assets/..%2F..%2Fpackage.json', '/assets/grafana', '/assets/x.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });
});

describe('GET /v1/dashboards', () => {
  it('is documented in the OpenAPI document; the pages are not', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toContain('/v1/dashboards');
    expect(paths.filter((p) => p.startsWith('/pages') || p.startsWith('/assets'))).toEqual([]);
  });

  it('answers the declarations with their defaults filled in', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/dashboards' });
    expect(res.statusCode, res.body).toBe(200);
    const { dashboards } = res.json() as { dashboards: { name: string; panels: { type: string; thresholds?: unknown }[] }[] };
    expect(dashboards.map((d) => d.name)).toEqual(['overview', 'drilldown', 'trends', 'worklists', 'assessment', 'intake']);
    expect(dashboards[0]!.panels[0]).toMatchObject({ type: 'scorecard', thresholds: { amber_below: 1, red_below: 0.8 } });
  });
});

describe('access', () => {
  let secured: FastifyInstance;
  beforeAll(async () => {
    const securedRuntime = { ...runtime, config: { ...runtime.config, auth: { ...runtime.config.auth, enabled: true } } } as Runtime;
    secured = await buildApp(securedRuntime);
  });
  afterAll(async () => secured?.close());

  it('pages and assets are public; the declarations need a token', async () => {
    expect((await secured.inject({ method: 'GET', url: '/pages/assessment' })).statusCode).toBe(200);
    expect((await secured.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(200);
    expect((await secured.inject({ method: 'GET', url: '/assets/vendor/echarts.min.js' })).statusCode).toBe(200);
    const res = await secured.inject({ method: 'GET', url: '/v1/dashboards' });
    expect(res.statusCode).toBe(401);
  });
});

describe('an invalid declaration', () => {
  it('stops buildApp with a message naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-dashboards-'));
    cpSync(DASHBOARDS_DIR, dir, { recursive: true });
    const file = join(dir, 'overview.json');
    const overview = JSON.parse(readFileSync(file, 'utf8'));
    overview.panels[0].thresholds.red_below = 'low';
    writeFileSync(file, JSON.stringify(overview));
    await expect(buildApp(runtime, { dashboardsDir: dir })).rejects.toThrow(/dashboards-\w+\/overview\.json: panels\.0\.thresholds\.red_below: /);
  });
});
