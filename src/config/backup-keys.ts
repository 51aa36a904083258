// The keys a backup carries and a restore puts back. The data is useless without them: the
// pseudonym key matches new events to the people already stored, the sealing keys open the
// identities and rejected payloads. Every place a key is moved says so loudly.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { PSEUDONYM_KEY_WARNING, pseudonymKeyFile, resolvePseudonymKey } from './pseudonym-key.js';

export const SEALING_KEYS_FILE = 'sealing.keys';

const fingerprint = (text: string) => createHash('sha256').update(text).digest('hex');

/** The key texts in use (configuration first, then the data directory's files). */
export function keyTextsInUse(config: Config, log?: (message: string) => void): { pseudonym: string; sealing?: string } {
  const pseudonym = resolvePseudonymKey(config, log).toString('utf8');
  const file = join(config.dataDir, SEALING_KEYS_FILE);
  const sealing = config.sealingKeys ?? (config.clickhouse.mode === 'embedded' && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  return { pseudonym, ...(sealing ? { sealing } : {}) };
}

export interface BackupKeys {
  dir: string;
  pseudonymKey: string;
  sealingKeys?: string;
}

/**
 * Before anything is restored: a pseudonym key given in the configuration must be the backup's,
 * or the restored people would never be matched again. Null when the restore may go on.
 */
export function restoreKeyProblem(config: Config, backup: BackupKeys): string | null {
  if (config.pseudonymKey && fingerprint(config.pseudonymKey) !== fingerprint(backup.pseudonymKey)) {
    return `HAP_PSEUDONYM_KEY is not the key this backup was made with: set it to the key in ${join(backup.dir, 'pseudonym.key')} and restore again; ${PSEUDONYM_KEY_WARNING}`;
  }
  return null;
}

/** Writes `text` to `file`; a different file already there is kept aside, never overwritten. */
function putKeyFile(file: string, text: string, stamp: string): { changed: boolean; aside?: string } {
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8').trim() === text) return { changed: false };
    const aside = `${file}.before-restore-${stamp}`;
    renameSync(file, aside);
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
    return { changed: true, aside };
  }
  writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return { changed: true };
}

/** After the data is restored: its keys go where the next start reads them, each move said loudly. */
export function installBackupKeys(config: Config, backup: BackupKeys, log: (message: string) => void, now = new Date()): void {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (!config.pseudonymKey) {
    const file = pseudonymKeyFile(config);
    const put = putKeyFile(file, backup.pseudonymKey, stamp);
    if (put.changed) log(`!! pseudonym key of the backup installed in ${file}${put.aside ? ` (the key that was there is kept in ${put.aside})` : ''}: back it up; ${PSEUDONYM_KEY_WARNING}`);
  }
  if (!backup.sealingKeys) return;
  if (config.sealingKeys) {
    if (config.sealingKeys !== backup.sealingKeys) {
      log(`!! HAP_SEALING_KEYS differs from the backup's sealing keys (${join(backup.dir, SEALING_KEYS_FILE)}): add the backup's keys to it, or the restored identities and rejected payloads cannot be opened`);
    }
    return;
  }
  const file = join(config.dataDir, SEALING_KEYS_FILE);
  const put = putKeyFile(file, backup.sealingKeys, stamp);
  if (put.changed) log(`!! sealing keys of the backup installed in ${file}${put.aside ? ` (the keys that were there are kept in ${put.aside})` : ''}: without them, restored identities and rejected payloads cannot be read`);
}
