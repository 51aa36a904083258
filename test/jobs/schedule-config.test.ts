import { describe, expect, it } from 'vitest';
import { loadSchedules, parseSchedules } from '../../src/jobs/schedule-config.js';

const valid = {
  jobs: {
    indicator_snapshot: { enabled: true, cron: '30 1 * * *', timezone: 'Asia/Shanghai', levels: ['county', 'street'] },
    institution_freshness: { enabled: false, cron: '0 8 * * *', stale_after_days: 10 },
  },
};

function withJob(job: 'indicator_snapshot' | 'institution_freshness', patch: Record<string, unknown>) {
  return JSON.stringify({ jobs: { ...valid.jobs, [job]: { ...valid.jobs[job], ...patch } } });
}

describe('schedules file', () => {
  it('reads the project file pipelines/schedules.json', () => {
    const s = loadSchedules();
    expect(s.jobs.indicator_snapshot).toMatchObject({ cron: '30 1 * * *', timezone: 'Asia/Shanghai', levels: ['county', 'street', 'community', 'institution'] });
    expect(s.jobs.institution_freshness.stale_after_days).toBeGreaterThan(0);
  });

  it('fills the defaults in one place', () => {
    const s = parseSchedules(JSON.stringify({ jobs: { indicator_snapshot: { cron: '30 1 * * *' }, institution_freshness: { cron: '0 8 * * *' } } }));
    expect(s.jobs.indicator_snapshot).toEqual({ enabled: true, cron: '30 1 * * *', timezone: 'Asia/Shanghai', levels: ['county', 'street', 'community', 'institution'], catch_up_days: 31 });
    expect(s.jobs.institution_freshness).toEqual({ enabled: true, cron: '0 8 * * *', timezone: 'Asia/Shanghai', stale_after_days: 7 });
  });

  it('is frozen once validated', () => {
    const s = parseSchedules(JSON.stringify(valid));
    expect(Object.isFrozen(s.jobs.indicator_snapshot.levels)).toBe(true);
  });

  it('names the key of a bad cron expression', () => {
    expect(() => parseSchedules(withJob('indicator_snapshot', { cron: '61 1 * * *' }), 'schedules.json')).toThrow(
      /schedules\.json:\n {2}jobs\.indicator_snapshot\.cron: "61 1 \* \* \*" is not a cron expression \(minute/,
    );
  });

  it('names the key of an unknown time zone', () => {
    expect(() => parseSchedules(withJob('institution_freshness', { timezone: 'Asia/Beijing' }))).toThrow(/jobs\.institution_freshness\.timezone: "Asia\/Beijing" is not an IANA time zone/);
  });

  it('names a misspelt key instead of ignoring it', () => {
    expect(() => parseSchedules(withJob('institution_freshness', { stale_after_day: 3 }))).toThrow(/jobs\.institution_freshness: .*stale_after_day/);
  });

  it('names a missing job', () => {
    expect(() => parseSchedules(JSON.stringify({ jobs: { indicator_snapshot: valid.jobs.indicator_snapshot } }))).toThrow(/jobs\.institution_freshness:/);
  });

  it('rejects levels that are unknown or repeated, and a day count out of range', () => {
    expect(() => parseSchedules(withJob('indicator_snapshot', { levels: ['county', 'village'] }))).toThrow(/jobs\.indicator_snapshot\.levels\.1:/);
    expect(() => parseSchedules(withJob('indicator_snapshot', { levels: ['street', 'street'] }))).toThrow(/jobs\.indicator_snapshot\.levels: a level is listed twice/);
    expect(() => parseSchedules(withJob('institution_freshness', { stale_after_days: 0 }))).toThrow(/jobs\.institution_freshness\.stale_after_days:/);
    expect(() => parseSchedules(withJob('indicator_snapshot', { catch_up_days: 1.5 }))).toThrow(/jobs\.indicator_snapshot\.catch_up_days:/);
  });

  it('reports every problem together', () => {
    const text = JSON.stringify({ jobs: { indicator_snapshot: { cron: 'nightly', enabled: 'yes' }, institution_freshness: { cron: '0 8 * * *', timezone: 'Mars/Olympus' } } });
    const error = (() => {
      try {
        parseSchedules(text);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain('jobs.indicator_snapshot.cron');
    expect(error).toContain('jobs.indicator_snapshot.enabled');
    expect(error).toContain('jobs.institution_freshness.timezone');
  });

  it('says so when the file is not JSON', () => {
    expect(() => parseSchedules('{ jobs: ', 'pipelines/schedules.json')).toThrow(/^pipelines\/schedules\.json: not JSON/);
  });
});
