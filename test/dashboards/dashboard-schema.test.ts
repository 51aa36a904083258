// Dashboards as data: the shipped declarations validate; a bad one is refused naming the file
// and the field, every problem at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/metrics/catalogue.js';
import { DASHBOARDS_DIR, DashboardError, loadDashboards } from '../../src/dashboards/dashboard-loader.js';

const IDS = CATALOGUE.map((i) => i.id);

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hap-decl-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

const page = (extra: Record<string, unknown> = {}) => ({
  name: 'p',
  title_zh: '页',
  title_en: 'Page',
  order: 1,
  panels: [{ id: 'x', type: 'drilldown', title_zh: '面板', title_en: 'Panel', indicator: 'archive_coverage' }],
  ...extra,
});

function problemsOf(dir: string): string[] {
  try {
    loadDashboards(dir, IDS);
  } catch (e) {
    expect(e).toBeInstanceOf(DashboardError);
    return [...(e as DashboardError).problems];
  }
  throw new Error('expected the declarations to be refused');
}

describe('dashboards/*.json', () => {
  it('the shipped declarations validate against the schema and the catalogue', () => {
    const dashboards = loadDashboards(DASHBOARDS_DIR, IDS);
    expect(dashboards.map((d) => d.name)).toEqual(['overview', 'drilldown', 'trends', 'worklists', 'assessment', 'intake']);
  });

  it('a new page needs only a file', () => {
    const dashboards = loadDashboards(dirWith({ 'p.json': page() }), IDS);
    expect(dashboards[0]!.panels[0]).toMatchObject({ type: 'drilldown', chart: 'bar', thresholds: { amber_below: 1, red_below: 0.8 } });
  });

  it('names the file and the field of each problem', () => {
    const problems = problemsOf(
      dirWith({
        'p.json': page({ panels: [{ id: 'x', type: 'scorecard', title_zh: '面板', title_en: 'P', thresholds: { amber_below: 0.7, red_below: 0.9 }, drill_to: 'nowhere' }] }),
        'q.json': page({ name: 'q', panels: [{ id: 'y', type: 'drilldown', title_zh: '面板', title_en: 'P', indicator: 'no_such_indicator' }] }),
        'r.json': page({ name: 'r', panels: [{ id: 'z', type: 'pie', title_zh: '面板', title_en: 'P' }] }),
        's.json': '{ not json',
        't.json': page({ name: 'other' }),
      }),
    );
    const all = problems.join('\n');
    expect(all).toMatch(/decl-\w+\/p\.json: panels\.0\.thresholds\.red_below: red_below must not exceed amber_below/);
    expect(all).toMatch(/q\.json: panels\.0\.indicator: no_such_indicator is not an indicator/);
    expect(all).toMatch(/r\.json: panels\.0\.type: /);
    expect(all).toMatch(/s\.json: not JSON/);
    expect(all).toMatch(/t\.json: name: "other" must match the file name/);
  });

  it('refuses a panel id used twice and an unknown key', () => {
    const panel = { id: 'x', type: 'trend', title_zh: '面板', title_en: 'P' };
    const all = problemsOf(dirWith({ 'p.json': page({ panels: [panel, { ...panel, colour: 'red' }] }) })).join('\n');
    expect(all).toMatch(/p\.json: panels\.1: .*colour/);
  });
});
