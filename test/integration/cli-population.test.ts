// `hap population import` against the real engine (its own store, in a child process): totals
// per street/town before and after, and a refusal without --replace when figures jump.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HAP = fileURLToPath(new URL('../../bin/hap.js', import.meta.url));

describe('hap population import', () => {
  it('shows totals per street/town and refuses a change of more than 20 % without --replace', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-pop-'));
    const env = { ...process.env, HAP_DATA_DIR: join(dir, 'data'), HAP_PSEUDONYM_KEY: 'integration-test-key-0123456789abcdef' };
    const hap = (...args: string[]) => spawnSync(process.execPath, [HAP, 'population', 'import', ...args], { encoding: 'utf8', env });
    const csv = (a: number, b: number) => `year,division_code,group,count\n2025,500104001001,resident_total,${a}\n2025,500104001004,resident_total,${b}\n2025,500104002,resident_total,5000\n`;
    writeFileSync(join(dir, 'first.csv'), csv(1000, 1000));
    writeFileSync(join(dir, 'jump.csv'), csv(1500, 1000));

    const first = hap(join(dir, 'first.csv'));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/500104001 \S+\s+resident_total\s+0\s+2,000\s+new/);

    const refused = hap(join(dir, 'jump.csv'));
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/500104001 \S+\s+resident_total\s+2,000\s+2,500\s+\+25 %\s+← more than 20 %/);
    expect(refused.stdout).toMatch(/500104002 \S+\s+resident_total\s+5,000\s+5,000\s+0 %/);
    expect(refused.stderr).toContain('--replace');

    const replaced = hap(join(dir, 'jump.csv'), '--replace');
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain('population 2025: 3 rows loaded');
    // What was loaded is now the reference: the same file again changes nothing.
    const again = hap(join(dir, 'jump.csv'));
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/500104001 \S+\s+resident_total\s+2,500\s+2,500\s+0 %/);
  });
});
