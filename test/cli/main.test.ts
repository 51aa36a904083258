// The CLI as people run it (bin/hap.js over dist/): help everywhere, mistakes in one line, exit 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HAP = fileURLToPath(new URL('../../bin/hap.js', import.meta.url));
const hap = (...args: string[]) => spawnSync(process.execPath, [HAP, ...args], { encoding: 'utf8', env: { ...process.env, HAP_DATA_DIR: '/nonexistent/hap-cli-test' } });

describe('hap', () => {
  it.each(['start', 'serve', 'import', 'generate', 'population', 'migrate', 'ingest', 'produce', 'kafka'])('hap %s --help prints its usage and options', (command) => {
    const out = hap(command, '--help');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^Usage: .*hap /);
    expect(out.stdout).toContain('--help');
    expect(hap('help', command).stdout).toBe(out.stdout);
  });

  it('lists the commands with hap help', () => {
    const out = hap('help');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('population import FILE.csv');
  });

  it.each([
    [['import', 'no-such-file.ndjson'], /^hap import: no such file: no-such-file\.ndjson$/],
    [['import', '--bogus', 'x.ndjson'], /^hap import: Unknown option '--bogus' \(see hap import --help\)$/],
    [['import'], /^hap import: name one or more event files/],
    [['start', '--scale', 'x'], /^hap start: --scale must be a positive number, got "x"$/],
    [['generate', '--seed', '1.5'], /^hap generate: --seed must be an integer, got "1\.5"$/],
    [['population', 'import', 'nope.csv'], /^hap population import: no such file: nope\.csv$/],
    [['population', 'export', 'x.csv'], /^hap population: unknown subcommand export/],
    [['launch'], /^hap unknown command launch/],
  ])('answers a mistake (%j) in one line with exit code 2', (args, message) => {
    const out = hap(...args);
    expect(out.status).toBe(2);
    expect(out.stderr.trim()).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
