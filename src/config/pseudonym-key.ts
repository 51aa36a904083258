// The HMAC key that pseudonymises ID numbers. Embedded mode generates it once and keeps it
// beside the data (mode 0600): losing it would split every person into a new key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export const PSEUDONYM_KEY_FILE = 'pseudonym.key';

/** Said where the key is made or moved: losing it is silent until the figures are wrong. */
export const PSEUDONYM_KEY_WARNING = 'without this key, new events of known residents become new people (every figure counts them twice)';

export function pseudonymKeyFile(config: Config): string {
  return join(config.dataDir, PSEUDONYM_KEY_FILE);
}

export function resolvePseudonymKey(config: Config, log: (message: string) => void = (m) => console.error(m)): Buffer {
  if (config.pseudonymKey) return Buffer.from(config.pseudonymKey, 'utf8');
  const file = pseudonymKeyFile(config);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  log(`!! pseudonym key created in ${file}: back it up with the data (hap backup DIR); ${PSEUDONYM_KEY_WARNING}`);
  return Buffer.from(key, 'utf8');
}
