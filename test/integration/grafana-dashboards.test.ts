// dashboards/grafana/*.json (Grafana + grafana-clickhouse-datasource) read the service's own
// tables: every query parses as JSON, names only tables the migrations and the maintained state
// create, and every identifier it uses is a column of them (system.columns of a migrated chDB
// database); then each query runs, macros filled in, so the engine itself resolves them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS_DIR } from '../../src/dashboards/dashboard-loader.js';
import type { Runtime } from '../../src/runtime.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { openTestRuntime } from './bootstrap.js';

const GRAFANA = join(DASHBOARDS_DIR, 'grafana');
const DATASOURCE = 'grafana-clickhouse-datasource';
const TABLES = ['events', 'person_state', 'patient_state', 'indicator_snapshots', 'rejections'];

// Words of the SQL the dashboards use that are neither columns nor aliases.
const KEYWORDS = new Set(
  'select from where and or not group by order desc asc as final limit array join in is null distinct having case when then else end day'.split(' '),
);

interface Query {
  file: string;
  where: string;
  sql: string;
}

function queriesOf(file: string): Query[] {
  const d = JSON.parse(readFileSync(join(GRAFANA, file), 'utf8'));
  const out: Query[] = [];
  for (const p of d.panels ?? []) {
    for (const t of p.targets ?? []) {
      expect(t.datasource?.type, `${file} panel ${p.id}`).toBe(DATASOURCE);
      out.push({ file, where: `panel ${p.id} ${p.title}`, sql: t.rawSql });
    }
  }
  for (const v of d.templating?.list ?? []) if (v.type === 'query') out.push({ file, where: `variable ${v.name}`, sql: v.query });
  return out;
}

/** Tables after FROM or JOIN (ARRAY JOIN names a column, not a table). */
function tablesOf(sql: string): string[] {
  return [...sql.matchAll(/(?<!ARRAY\s+)\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)/gi)].map((m) => m[1]!);
}

/** Identifiers that must be columns: not keywords, functions, aliases, tables, macros or tuple elements. */
function columnIdentifiers(sql: string): string[] {
  const text = sql
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/\$\{\w+\}/g, '0')
    .replace(/\$__\w+/g, 'macro');
  const aliases = new Set([...text.matchAll(/\bAS\s+([A-Za-z_]\w*)/gi)].map((m) => m[1]!.toLowerCase()));
  const tables = new Set(tablesOf(text).map((t) => t.toLowerCase()));
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.])([A-Za-z_]\w*)(?!\w)(\s*\()?/g)) {
    const word = m[1]!;
    const lower = word.toLowerCase();
    if (m[2] || KEYWORDS.has(lower) || aliases.has(lower) || tables.has(lower) || word === 'macro') continue;
    out.add(word);
  }
  return [...out];
}

/** What Grafana would send for a range of 2025 and the variables' first values. */
function filled(sql: string): string {
  return sql
    .replace(/\$__timeFilter\((\w+)\)/g, "($1 >= toDateTime('2025-01-01 00:00:00') AND $1 <= toDateTime('2025-12-31 23:59:59'))")
    .replace(/\$\{year\}/g, '2025')
    .replace(/\$\{indicator\}/g, 'archive_coverage');
}

let runtime: Runtime;
let columns: Map<string, Set<string>>;
const files = readdirSync(GRAFANA).filter((f) => f.endsWith('.json'));

beforeAll(async () => {
  runtime = await openTestRuntime('it_grafana');
  await runtime.state?.ensureTables();
  const rows = await queryRows<{ table: string; name: string }>(runtime.store.client, `SELECT table, name FROM system.columns WHERE database = currentDatabase() AND table IN {tables:Array(String)}`, { tables: TABLES });
  columns = new Map();
  for (const r of rows) columns.set(r.table, (columns.get(r.table) ?? new Set()).add(r.name));
});

afterAll(async () => runtime?.close());

describe('dashboards/grafana', () => {
  it('ships dashboards for the ClickHouse data source', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(TABLES.every((t) => columns.has(t)), `tables in the test database: ${[...columns.keys()]}`).toBe(true);
  });

  it.each(files)('%s reads only existing tables and columns', async (file) => {
    const queries = queriesOf(file);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const tables = tablesOf(q.sql);
      expect(tables.length, `${file} ${q.where}: no table`).toBeGreaterThan(0);
      for (const t of tables) expect(TABLES, `${file} ${q.where}: table ${t}`).toContain(t);
      const known = new Set(tables.flatMap((t) => [...(columns.get(t) ?? [])]));
      for (const id of columnIdentifiers(q.sql)) expect(known.has(id), `${file} ${q.where}: ${id} is not a column of ${tables.join(', ')}`).toBe(true);
      // The engine resolves every identifier of the query against the real schema.
      await expect(queryRows(runtime.store.client, filled(q.sql)), `${file} ${q.where}`).resolves.toBeInstanceOf(Array);
    }
  });

  it('catches a column that does not exist', () => {
    const sql = "SELECT institution_code, count() AS n FROM events WHERE no_such_column = 'x' GROUP BY institution_code";
    const known = new Set(columns.get('events'));
    expect(columnIdentifiers(sql).filter((id) => !known.has(id))).toEqual(['no_such_column']);
    expect(tablesOf('SELECT a FROM rejections ARRAY JOIN reasons AS r')).toEqual(['rejections']);
  });
});
