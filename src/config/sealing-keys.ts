// The AES-256-GCM keys that seal identities and rejected payloads (src/transform/sealing.ts).
// Embedded mode generates one key once and keeps it beside the data (mode 0600). Losing it makes
// what it sealed unreadable (figures are unaffected); moving the data without it likewise.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Keyring, newKeyText, parseKeyring } from '../transform/sealing.js';
import { type Config, ConfigError } from './config.js';

export function resolveSealingKeys(config: Config, log: (message: string) => void = (m) => console.error(m)): Keyring | undefined {
  if (config.sealingKeys) {
    const parsed = parseKeyring(config.sealingKeys);
    if (!parsed.ok) throw new ConfigError([`HAP_SEALING_KEYS: ${parsed.problem}`]);
    return parsed.keyring;
  }
  if (config.clickhouse.mode === 'server') return undefined;
  const file = join(config.dataDir, 'sealing.keys');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${newKeyText(`k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`)}\n`, { mode: 0o600, flag: 'wx' });
    log(`sealing key created in ${file}: back it up with the data; without it, revealed identities and rejected payloads cannot be read`);
  }
  const parsed = parseKeyring(readFileSync(file, 'utf8').trim());
  if (!parsed.ok) throw new ConfigError([`${file}: ${parsed.problem}`]);
  return parsed.keyring;
}
