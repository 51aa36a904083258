// The CLI beside a running `hap serve` (child processes, real engine): chDB locks the embedded data
// directory to the server, so commands that write say so in one line, or send through its API.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkEvents } from '../fixtures/bulk-events.js';

const HAP = fileURLToPath(new URL('../../bin/hap.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hap-beside-'));
const env: NodeJS.ProcessEnv = { ...process.env, HAP_DATA_DIR: join(dir, 'data'), HAP_AUTH: 'on', HAP_INGEST_THREADS: '0', HAP_STATE: 'off' };
const hap = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [HAP, ...args], { encoding: 'utf8', env: { ...env, ...extra }, timeout: 120_000 });

let server: ChildProcess | undefined;
let url = '';
let token = '';

beforeAll(async () => {
  // The token command needs the store: before the server holds it.
  const created = hap(['token', 'create', '--role', 'operator']);
  expect(created.status, created.stderr).toBe(0);
  token = created.stdout.trim().split('\n').pop()!;
  expect(token).toMatch(/^hap_/);
  const child = spawn(process.execPath, [HAP, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hap serve did not start: ${out}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`hap serve exited ${code}: ${out}`)));
  });
});
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

const get = async (path: string) => {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};

describe('the CLI beside a running server', () => {
  it('says in one line that a server holds the store, and how to send through it', () => {
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, `${JSON.stringify(bulkEvents(1, 'lock')[0])}\n`);
    const refused = hap(['import', file]);
    expect(refused.status).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hap import: the store \S+chdb is held by a running server \(hap serve\); send through it: HAP_API_URL=.* HAP_API_TOKEN=/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const migrate = hap(['migrate']);
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('applied the migrations when it started');

    const restore = hap(['restore', join(dir, 'no-backup')]);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain('not a backup');
  });

  it('imports events through the server with HAP_API_URL and HAP_API_TOKEN, rejected lines named', async () => {
    const file = join(dir, 'events.ndjson');
    const events = bulkEvents(12, 'api');
    writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n{"not": "an event"}\n`);
    const sent = hap(['import', file], { HAP_API_URL: url, HAP_API_TOKEN: token });
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stderr).toContain(`${events.length} accepted, 1 rejected`);
    expect(sent.stderr).toContain(`rejected ${file} line ${events.length + 1}`);
    const coverage = await get('/v1/indicators/archive_coverage?year=2025');
    expect((coverage.total as { numerator: number }).numerator).toBe(12);
  });

  it('loads population through the server when only the token is given, and backs up through it', async () => {
    const csv = join(dir, 'population.csv');
    writeFileSync(csv, 'year,division_code,group,count\n2025,500104001001,resident_total,1200\n');
    const port = new URL(url).port;
    const loaded = hap(['population', 'import', csv], { HAP_API_TOKEN: token, HAP_PORT: port });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('population 2025: 1 rows loaded');
    expect(((await get('/v1/population/2025')).rows as unknown[]).length).toBe(1);

    // Inside the server's backup root (HAP_BACKUP_ROOT, by default beside the data folder).
    const target = join(dir, 'hap-backups', 'backup');
    const backup = hap(['backup', target], { HAP_API_TOKEN: token, HAP_PORT: port });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/backup \S+: \d+ events/);
    expect(backup.stderr).toContain('new events of known residents become new people');
    expect(existsSync(join(target, 'manifest.json'))).toBe(true);

    const restore = hap(['restore', target]);
    expect(restore.status).toBe(1);
    expect(restore.stderr.trim()).toMatch(/^hap restore: the store \S+ is held by a running server \(hap serve\): stop it first/);
  });
});
