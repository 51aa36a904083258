// The restore drill on the real engine: ingest, back up through the API, ingest more, restore,
// and the figures are those of the backup's moment. Also who may back up, and where.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createToken } from '../../src/auth/token-store.js';
import { restoreStore } from '../../src/cli/commands/restore.js';
import type { Runtime } from '../../src/runtime.js';
import { readBackup } from '../../src/store/backup.js';
import { queryRows } from '../../src/store/clickhouse.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from './bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;
let operator: string;
let supervisor: string;
const backups = mkdtempSync(join(tmpdir(), 'hap-backups-'));

beforeAll(async () => {
  runtime = await openTestRuntime('it_backup', { HAP_AUTH: 'on', HAP_BACKUP_ROOT: backups });
  app = await buildApp(runtime);
  operator = (await createToken(runtime.store.client, { role: 'operator', scopeCode: '', label: 'drill' })).token;
  supervisor = (await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'drill' })).token;
});
afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function send(events: Record<string, unknown>[], population: number): Promise<void> {
  const posted = await app.inject({ method: 'POST', url: '/v1/events', headers: as(operator), payload: events });
  expect(posted.statusCode, posted.body).toBe(202);
  const csv = `year,division_code,group,count\n2025,500104001001,resident_total,${population}\n`;
  const put = await app.inject({ method: 'PUT', url: '/v1/population/2025', headers: { ...as(operator), 'content-type': 'text/csv' }, payload: csv });
  expect(put.statusCode, put.body).toBe(200);
}

async function figures() {
  const res = await app.inject({ method: 'GET', url: '/v1/indicators/archive_coverage?year=2025&by=community', headers: as(operator) });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  const [events] = await queryRows<{ n: string }>(runtime.store.client, 'SELECT toString(count()) AS n FROM events FINAL');
  return { total: body.total, rows: body.rows, events: Number(events!.n) };
}

describe('backup and restore (embedded store)', () => {
  it('restores the figures and events of the backup moment after more were ingested', async () => {
    await send(bulkEvents(40, 'first'), 400);
    const atBackup = await figures();
    expect(atBackup.total.numerator).toBe(40);
    expect(atBackup.total.denominator).toBe(400);

    const dir = join(backups, 'drill');
    const made = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(operator), payload: { dir } });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ dir, tables: { events: atBackup.events } });
    console.log(`backup of ${atBackup.events} events: ${made.json().bytes} bytes in ${made.json().ms} ms`);
    // The keys travel with the data, readable by their owner only.
    expect(readFileSync(join(dir, 'pseudonym.key'), 'utf8').trim()).toBe('integration-test-key-0123456789abcdef');
    expect(statSync(join(dir, 'pseudonym.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, 'sealing.keys'))).toBe(true);

    await send(bulkEvents(70, 'second'), 500);
    const later = await figures();
    expect(later.total.numerator).toBe(70);
    expect(later.events).toBeGreaterThan(atBackup.events);

    const read = readBackup(dir);
    if (!read.ok) throw new Error(read.problem);
    const restored = await restoreStore(runtime.store, read.backup);
    expect(restored.tables.events).toBe(atBackup.events);
    const after = await figures();
    expect(after).toEqual(atBackup);
    // The restored store takes events again, under the same people.
    await send(bulkEvents(40, 'first'), 400);
    expect((await figures()).total.numerator).toBe(40);
  });

  it('is the operator\'s alone, into a new or empty absolute directory', async () => {
    const dir = join(backups, 'refused');
    const forbidden = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(supervisor), payload: { dir } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.details).toMatchObject({ needed: 'operations:backup' });
    expect(existsSync(dir)).toBe(false);

    // Found by the API fuzzer: a backup at any path the caller chose (it made a folder at /).
    const outside = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(operator), payload: { dir: join(tmpdir(), 'hap-not-the-backup-root') } });
    expect(outside.statusCode).toBe(409);
    expect(outside.json().error.details.problem).toBe('outside_backup_root');
    expect(existsSync(join(tmpdir(), 'hap-not-the-backup-root'))).toBe(false);
    // Found by the API fuzzer: a 4,096-character name was a 500 (ENAMETOOLONG).
    const tooLong = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(operator), payload: { dir: '0'.repeat(4096) } });
    expect(tooLong.statusCode).toBe(400);
    const upwards = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(operator), payload: { dir: '../escape' } });
    expect(upwards.statusCode).toBe(409);

    const overAnother = await app.inject({ method: 'POST', url: '/v1/admin/backup', headers: as(operator), payload: { dir: join(backups, 'drill') } });
    expect(overAnother.statusCode).toBe(409);
    expect(overAnother.json().error.message).toContain('not empty');
  });

  it('records every backup on the audit log, and the backup carries its own record', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/audit?action=backup.create', headers: as(operator) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rows.map((e: { target: string }) => e.target)).toContain(join(backups, 'drill'));
  });
});
