// The HMAC key that pseudonymises ID numbers. Embedded mode generates it once and keeps it
// beside the data (mode 0600): losing it would split every person into a new key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export function resolvePseudonymKey(config: Config): Buffer {
  if (config.pseudonymKey) return Buffer.from(config.pseudonymKey, 'utf8');
  const file = join(config.dataDir, 'pseudonym.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return Buffer.from(key, 'utf8');
}
