import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { resolvePseudonymKey } from '../../src/config/pseudonym-key.js';

describe('pseudonym key', () => {
  it('is generated once in the data directory, readable by its owner only, and then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-key-'));
    const config = loadConfig({ HAP_DATA_DIR: dir });
    const said: string[] = [];
    const first = resolvePseudonymKey(config, (m) => said.push(m));
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'pseudonym.key')).mode & 0o777).toBe(0o600);
    expect(resolvePseudonymKey(config, (m) => said.push(m)).equals(first)).toBe(true);
    // Said loudly once, where it is made: losing it splits every resident into a new person.
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^!! pseudonym key created in .*pseudonym\.key: back it up .*new events of known residents become new people/);
  });

  it('comes from configuration when given, and is required with a ClickHouse server', () => {
    const key = 'k'.repeat(40);
    expect(resolvePseudonymKey(loadConfig({ HAP_PSEUDONYM_KEY: key })).toString()).toBe(key);
    expect(() => loadConfig({ HAP_CLICKHOUSE_URL: 'http://127.0.0.1:8123' })).toThrow(ConfigError);
  });

  it('reports every configuration problem at once', () => {
    try {
      loadConfig({ HAP_PORT: 'eighty', HAP_REGION: '5001', HAP_CLICKHOUSE_URL: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['HAP_CLICKHOUSE_URL', 'HAP_PORT', 'HAP_REGION']);
    }
  });
});
