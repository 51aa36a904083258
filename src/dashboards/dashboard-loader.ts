// Reads and validates dashboards/*.json once, at start: a bad file stops the start with every
// problem named by file and field (the way configuration is checked), never the first page view.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dashboard, dashboardSchema } from './dashboard-schema.js';

export const DASHBOARDS_DIR = fileURLToPath(new URL('../../dashboards/', import.meta.url));

export class DashboardError extends Error {
  readonly code = 'dashboard_invalid';
  constructor(readonly problems: readonly string[]) {
    super(`invalid dashboard declarations:\n  ${problems.join('\n  ')}`);
    this.name = 'DashboardError';
  }
}

const fieldOf = (path: readonly PropertyKey[]) => (path.length === 0 ? '(file)' : path.map(String).join('.'));

/** Every dashboards/*.json, validated, in navigation order; indicator ids checked against the catalogue. */
export function loadDashboards(dir: string, indicatorIds: readonly string[]): Dashboard[] {
  const shown = basename(dir.replace(/\/$/, ''));
  const problems: string[] = [];
  const dashboards: Dashboard[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const where = `${shown}/${file}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      problems.push(`${where}: not JSON (${(e as Error).message})`);
      continue;
    }
    const parsed = dashboardSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${where}: ${fieldOf(issue.path)}: ${issue.message}`);
      continue;
    }
    const d = parsed.data;
    if (`${d.name}.json` !== file) problems.push(`${where}: name: "${d.name}" must match the file name`);
    d.panels.forEach((p, i) => {
      const ids = 'indicators' in p ? (p.indicators === 'all' ? [] : p.indicators) : 'indicator' in p && p.indicator ? [p.indicator] : [];
      const field = 'indicators' in p ? 'indicators' : 'indicator';
      for (const id of ids) if (!indicatorIds.includes(id)) problems.push(`${where}: panels.${i}.${field}: ${id} is not an indicator of GET /v1/indicators`);
    });
    dashboards.push(d);
  }
  const names = new Set(dashboards.map((d) => d.name));
  for (const d of dashboards) {
    d.panels.forEach((p, i) => {
      if (p.type === 'scorecard' && p.drill_to && !names.has(p.drill_to)) problems.push(`${shown}/${d.name}.json: panels.${i}.drill_to: no dashboard ${p.drill_to}`);
    });
  }
  if (files.length === 0) problems.push(`${shown}/: no *.json declarations`);
  if (problems.length > 0) throw new DashboardError(problems);
  return Object.freeze(dashboards.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))) as Dashboard[];
}
