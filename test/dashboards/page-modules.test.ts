// The page code: every module parses (node --check), and the pure ones (formatting, colour
// thresholds, URL state, stale-answer guard, the assessment rows) behave; no browser is needed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS_DIR } from '../../src/dashboards/dashboard-loader.js';

const ASSETS = join(DASHBOARDS_DIR, 'assets');
// biome-ignore lint/suspicious/noExplicitAny: plain ES modules of the pages, without types
const load = async (file: string): Promise<any> => import(pathToFileURL(join(ASSETS, file)).href);

describe('page modules', () => {
  it.each(readdirSync(ASSETS).filter((f) => f.endsWith('.js')))('%s parses', (file) => {
    execFileSync(process.execPath, ['--check', join(ASSETS, file)]);
  });

  // Regression: filters.js imported streetOf from format.js (it lives in url-state.js); the
  // browser refused the module graph and no page rendered at all. Node never loads filters.js.
  it.each(readdirSync(ASSETS).filter((f) => f.endsWith('.js')))('%s imports only names its modules export', (file) => {
    const source = readFileSync(join(ASSETS, file), 'utf8');
    for (const [, names, from] of source.matchAll(/^import \{([^}]+)\} from '\.\/([a-z0-9-]+\.js)';$/gm)) {
      const target = readFileSync(join(ASSETS, from!), 'utf8');
      const exported = new Set([...target.matchAll(/^export (?:async )?(?:function|const|let|class) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]));
      for (const name of names!.split(',').map((n) => n.trim()).filter(Boolean)) expect(exported, `${file}: ${name} from ${from}`).toContain(name);
    }
  });

  it('the pure modules import without a DOM', async () => {
    for (const file of ['format.js', 'thresholds.js', 'url-state.js', 'latest-only.js', 'assessment-rows.js', 'overdue-split.js', 'labels.js']) await load(file);
  });
});

describe('format', () => {
  it('puts data problems in words instead of a dash', async () => {
    const { rateText, nameWithCode, pct } = await load('format.js');
    expect(rateText({ rate: null, denominator: 0, data_problem: 'population_missing' })).toBe('未导入人口数 population missing');
    expect(rateText({ rate: 1.2, denominator: 5, data_problem: 'numerator_exceeds_denominator' })).toBe('分子大于分母 numerator exceeds denominator');
    expect(rateText({ rate: null, denominator: 0, data_problem: null })).toBe('分母为0 no denominator');
    expect(rateText({ rate: 0.8766, denominator: 10, data_problem: null })).toBe('87.7%');
    expect(pct(null)).toBe('');
    expect(nameWithCode('跃进村街道', '500104002')).toBe('跃进村街道 (500104002)');
    expect(nameWithCode('', '500104999')).toBe('500104999');
    expect(nameWithCode('未知 (unknown)', '')).toBe('未知 (unknown)');
  });
});

describe('thresholds', () => {
  it('green at the target, amber below it, red below 0.8 × target, none without a figure', async () => {
    const { statusOf } = await load('thresholds.js');
    const t = { amber_below: 1, red_below: 0.8 };
    const row = (rate: number | null, data_problem: string | null = null) => ({ rate, data_problem });
    expect(statusOf(row(0.9), 0.9, t)).toBe('green');
    expect(statusOf(row(0.8999), 0.9, t)).toBe('amber');
    expect(statusOf(row(0.72), 0.9, t)).toBe('amber');
    expect(statusOf(row(0.7199), 0.9, t)).toBe('red');
    expect(statusOf(row(null), 0.9, t)).toBe('none');
    expect(statusOf(row(0.95), null, t)).toBe('none');
    expect(statusOf(row(1.3, 'numerator_exceeds_denominator'), 0.9, t)).toBe('none');
    expect(statusOf(row(0.85), 0.9, { amber_below: 0.9, red_below: 0.5 })).toBe('green');
  });
});

describe('URL state', () => {
  it('round-trips through the query string, leaving defaults out', async () => {
    const { readState, writeState, apiQuery, nextLevel, streetOf } = await load('url-state.js');
    const defaults = { year: 2025, region: '', indicator: 'archive_coverage', by: 'street', issues_page: 1 };
    const state = { ...defaults, region: '500104002', by: 'community', issues_page: 3 };
    const query = writeState(state, defaults);
    expect(query).toBe('?by=community&issues_page=3&region=500104002');
    expect(readState(query, defaults)).toEqual(state);
    expect(readState('?year=abc&unknown=1', defaults)).toEqual(defaults);
    expect(writeState(defaults, defaults)).toBe('');
    expect(apiQuery({ year: 2025, region: '', kind: undefined, page: 2 })).toBe('?year=2025&page=2');
    expect([nextLevel(''), nextLevel('500104'), nextLevel('500104002'), nextLevel('500104002001')]).toEqual(['street', 'street', 'community', 'institution']);
    expect(streetOf('500104002001')).toBe('500104002');
    expect(streetOf('500104')).toBeNull();
  });
});

describe('latest only', () => {
  it('aborts the request before and tells a stale answer apart', async () => {
    const { latestOnly } = await load('latest-only.js');
    const guard = latestOnly();
    const first = guard.next();
    const second = guard.next();
    expect(first.signal.aborted).toBe(true);
    expect(first.isCurrent()).toBe(false);
    expect(second.isCurrent()).toBe(true);
    guard.cancel();
    expect(second.signal.aborted).toBe(true);
  });
});

describe('assessment rows', () => {
  const cell = (code: string, name: string, score: number, rate: number | null = 0.9) => ({ code, name, numerator: 9, denominator: 10, rate, target: 0.9, meets_target: rate === null ? null : rate >= 0.9, data_problem: null, score });
  const assessment = {
    region: { code: '500104', name: '大渡口区', level: 'county' },
    scores: { total: { code: '500104', name: '大渡口区', score: 70 } },
    indicators: [
      { id: 'a', target: 0.9, rows: [cell('500104001', 'A', 40), cell('500104002', 'B', 30), cell('500104003', 'C', 40), cell('', '未知 (unknown)', 5)], total: cell('500104', '大渡口区', 35) },
      { id: 'b', target: 0.9, rows: [cell('500104001', 'A', 10), cell('500104002', 'B', 20), cell('500104003', 'C', 10, 0.5)], total: cell('500104', '大渡口区', 35) },
    ],
  };

  it('scores and ranks the located groups, ties sharing a rank, and lists the unlocated apart', async () => {
    const { assessmentRows, ranks } = await load('assessment-rows.js');
    expect(ranks([50, 50, 40, 60])).toEqual([2, 2, 4, 1]);
    const { located, unlocated, total } = assessmentRows(assessment, ['500104001', '500104002', '500104003'], { amber_below: 1, red_below: 0.8 });
    expect(located.map((g: { code: string; total: number; rank: number }) => [g.code, g.total, g.rank])).toEqual([
      ['500104001', 50, 1],
      ['500104002', 50, 1],
      ['500104003', 50, 1],
    ]);
    expect(located[2].cells.b.status).toBe('red');
    expect(unlocated.map((g: { code: string }) => g.code)).toEqual(['']);
    expect(unlocated[0].rank).toBeUndefined();
    expect(total.total).toBe(70);
  });
});

describe('overdue split', () => {
  it('lists people never followed up apart from those merely late', async () => {
    const { splitOverdue } = await load('overdue-split.js');
    const { never, late } = splitOverdue([{ last_followup_on: null }, { last_followup_on: '2025-01-02' }, { last_followup_on: null }]);
    expect([never.length, late.length]).toEqual([2, 1]);
  });
});
