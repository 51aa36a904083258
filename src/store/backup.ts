// Backups of the embedded store: ClickHouse's own BACKUP of the whole database into a directory,
// with the keys the data cannot be used without beside it, and a manifest saying what is there.
// BACKUP takes each table's parts as they are at that moment, so a backup made while serving is a
// consistent copy of every table; tables are taken moments apart, and anything stored in between
// (a batch in `events` but not yet in the derived state) is made whole on restore: the maintained
// state is rebuilt from the log, and re-sending events is idempotent.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { queryRows, type Store } from './clickhouse.js';

export const BACKUP_FORMAT = 'hap-backup-1';
const DATABASE_DIR = 'database';
const MANIFEST = 'manifest.json';
export const PSEUDONYM_KEY_FILE = 'pseudonym.key';
export const SEALING_KEYS_FILE = 'sealing.keys';

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  created_at: z.string(),
  database: z.string(),
  /** rows per table when the backup was taken (while serving, a table may have grown meanwhile) */
  tables: z.record(z.string(), z.number().int()),
  bytes: z.number().int(),
  files: z.number().int(),
  /** SHA-256 of the pseudonym key, to tell at restore whether the key in use is the same */
  pseudonym_key_sha256: z.string(),
  sealing_keys: z.boolean(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** The keys of the data as they are in use: the pseudonym key's text, the sealing keyring's text. */
export interface KeyTexts {
  pseudonym: string;
  sealing?: string;
}

export type BackupResult = { ok: true; dir: string; manifest: BackupManifest; ms: number } | { ok: false; problem: string };

/** A backup goes to a new or empty directory: never over another backup. */
export function checkBackupTarget(dir: string): string | null {
  if (!existsSync(dir)) return null;
  try {
    return readdirSync(dir).length === 0 ? null : `${dir} is not empty: back up into a new directory`;
  } catch {
    return `${dir} is not a directory`;
  }
}

async function tableRows(store: Store, database: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ name: string; rows: string | null }>(
    store.client,
    "SELECT name, toString(total_rows) AS rows FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree' ORDER BY name",
    { db: database },
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.rows ?? 0)]));
}

export function keyFingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Backs the database and its keys up into `dir` (created, mode 0700; key files 0600). Embedded only. */
export async function backupStore(store: Store, dir: string, keys: KeyTexts): Promise<BackupResult> {
  if (store.mode !== 'embedded') return { ok: false, problem: "with a ClickHouse server, use its own BACKUP (README: Backups); keep HAP_PSEUDONYM_KEY and HAP_SEALING_KEYS with it" };
  const target = resolve(dir);
  const problem = checkBackupTarget(target);
  if (problem) return { ok: false, problem };
  const started = Date.now();
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chmodSync(target, 0o700);
  // The keys first: a backup directory that has the data has its keys, whatever happens next.
  writeFileSync(join(target, PSEUDONYM_KEY_FILE), `${keys.pseudonym}\n`, { mode: 0o600, flag: 'wx' });
  if (keys.sealing) writeFileSync(join(target, SEALING_KEYS_FILE), `${keys.sealing}\n`, { mode: 0o600, flag: 'wx' });
  const tables = await tableRows(store, store.database);
  const done = await queryRows<{ id: string; status: string }>(store.client, `BACKUP DATABASE ${store.database} TO File({path:String})`, {
    path: join(target, DATABASE_DIR),
  });
  const id = done[0]?.id ?? '';
  const [info] = await queryRows<{ num_files: string; total_size: string }>(store.client, 'SELECT toString(num_files) AS num_files, toString(total_size) AS total_size FROM system.backups WHERE id = {id:String}', { id });
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    created_at: new Date(started).toISOString(),
    database: store.database,
    tables,
    bytes: Number(info?.total_size ?? 0),
    files: Number(info?.num_files ?? 0),
    pseudonym_key_sha256: keyFingerprint(keys.pseudonym),
    sealing_keys: keys.sealing !== undefined,
  };
  writeFileSync(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { ok: true, dir: target, manifest, ms: Date.now() - started };
}

export interface BackupContents {
  dir: string;
  manifest: BackupManifest;
  pseudonymKey: string;
  sealingKeys?: string;
}

/** Reads what a backup directory holds, checked: a directory that is not a whole backup is a problem, not a crash. */
export function readBackup(dir: string): { ok: true; backup: BackupContents } | { ok: false; problem: string } {
  const source = resolve(dir);
  const file = join(source, MANIFEST);
  if (!existsSync(file)) return { ok: false, problem: `${source} is not a backup of hap backup (no ${MANIFEST})` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problem: `${file}: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const keyFile = join(source, PSEUDONYM_KEY_FILE);
  if (!existsSync(keyFile)) return { ok: false, problem: `${keyFile} is missing: without the pseudonym key the restored people cannot be matched by new events` };
  const sealingFile = join(source, SEALING_KEYS_FILE);
  if (parsed.data.sealing_keys && !existsSync(sealingFile)) return { ok: false, problem: `${sealingFile} is missing: the restored identities and payloads could not be opened` };
  if (!existsSync(join(source, DATABASE_DIR, '.backup'))) return { ok: false, problem: `${join(source, DATABASE_DIR)} holds no ClickHouse backup` };
  return {
    ok: true,
    backup: {
      dir: source,
      manifest: parsed.data,
      pseudonymKey: readFileSync(keyFile, 'utf8').trim(),
      ...(parsed.data.sealing_keys ? { sealingKeys: readFileSync(sealingFile, 'utf8').trim() } : {}),
    },
  };
}

/**
 * Replaces the database with the backup's. It is restored beside the live one first and swapped
 * in by renames, so a restore that fails half-way leaves the data as it was.
 */
export async function restoreDatabase(store: Store, backup: BackupContents): Promise<{ tables: Record<string, number>; ms: number }> {
  if (store.mode !== 'embedded') throw new Error('restoreDatabase: embedded store only');
  const started = Date.now();
  const db = store.database;
  const incoming = `${db}_restoring`;
  const replaced = `${db}_before_restore`;
  const run = (query: string, params: Record<string, unknown> = {}) => store.client.command({ query, query_params: params });
  await run(`DROP DATABASE IF EXISTS ${incoming} SYNC`);
  await run(`RESTORE DATABASE ${backup.manifest.database} AS ${incoming} FROM File({path:String})`, { path: join(backup.dir, DATABASE_DIR) });
  await run(`DROP DATABASE IF EXISTS ${replaced} SYNC`);
  await run(`RENAME DATABASE ${db} TO ${replaced}`);
  await run(`RENAME DATABASE ${incoming} TO ${db}`);
  await run(`DROP DATABASE ${replaced} SYNC`);
  return { tables: await tableRows(store, db), ms: Date.now() - started };
}
