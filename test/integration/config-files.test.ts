// Every pipelines/ file is read once at start and every problem is reported together.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { openRuntime } from '../../src/runtime.js';
import { testConfig } from './bootstrap.js';

describe('pipelines/ files at start', () => {
  it('reports a bad indicators or assessment file and a bad schedules file together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hap-pipelines-'));
    const files = { indicators: join(dir, 'indicators.json'), assessment: join(dir, 'assessment.json'), schedules: join(dir, 'schedules.json') };
    writeFileSync(files.indicators, JSON.stringify({ indicators: { no_such_indicator: { target: 0.5 } } }));
    writeFileSync(files.assessment, '{ not json');
    writeFileSync(files.schedules, JSON.stringify({ jobs: { nightly_snapshot: { cron: 'not a cron' } } }));
    const problemsOf = async (env: Record<string, string>) => {
      const error = await openRuntime(testConfig('it_config_files', env)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).message;
    };
    const first = await problemsOf({ HAP_INDICATORS_FILE: files.indicators, HAP_SCHEDULES_FILE: files.schedules });
    expect(first).toContain(files.indicators);
    expect(first).toContain('jobs.indicator_snapshot');
    const second = await problemsOf({ HAP_ASSESSMENT_FILE: files.assessment, HAP_SCHEDULES_FILE: files.schedules });
    expect(second).toContain('assessment.json');
    expect(second).toContain('jobs.indicator_snapshot');
  });
});
