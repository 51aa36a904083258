import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeHolder } from '../../src/store/clickhouse.js';

const statusWith = (pid: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'hap-status-'));
  writeFileSync(join(dir, 'status'), `PID: ${pid}\nStarted at: 2026-01-01 00:00:00\nRevision: 54513\n`);
  return dir;
};

describe('who holds the embedded data directory', () => {
  it('is the living process named in <dir>/status', () => {
    expect(storeHolder(statusWith(process.ppid))).toBe(process.ppid);
  });

  it('is nobody when the file is gone, names this process, or names a process that ended (a crash)', () => {
    expect(storeHolder(mkdtempSync(join(tmpdir(), 'hap-status-')))).toBeNull();
    expect(storeHolder(statusWith(process.pid))).toBeNull();
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(storeHolder(statusWith(Number(ended.stdout)))).toBeNull();
  });
});
