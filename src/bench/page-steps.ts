// What the page benchmark does on each page after its first view: the clicks a supervisor makes
// (drill down, change a filter, turn a page). Each step starts from the state the one before left;
// a step that cannot apply (a single page to turn) is skipped and says so.
import type { Page } from 'playwright-core';

export interface PageStep {
  name: string;
  /** performs the click; false when the page offers nothing to click for it */
  act(page: Page, round: number): Promise<boolean>;
}

export interface BenchPage {
  name: string;
  path: string;
  steps: PageStep[];
}

/** Picks the option at `index` (cycling) of the filter whose label begins with `label`. */
function selectFilter(label: string, index: (round: number) => number): PageStep['act'] {
  return async (page, round) => {
    // By the label's start: a label's text also holds its options' (a kind names 机构).
    const select = page.locator('#filters label', { hasText: new RegExp(`^${label}`) }).locator('select');
    // The kind filter lists its options once the worklist has answered: wait for them a moment.
    await select.locator('option').nth(1).waitFor({ state: 'attached', timeout: 2_000 }).catch(() => {});
    const count = await select.locator('option').count();
    if (count < 2) return false;
    await select.selectOption({ index: index(round) % count });
    return true;
  };
}

/** A year typed into the year filter (the change fires on leaving the field, as a user does). */
function setYear(delta: number): PageStep['act'] {
  return async (page) => {
    const input = page.locator('#filters input[type=number]');
    await input.fill(String(Number(await input.inputValue()) + delta));
    await input.blur();
    return true;
  };
}

/** Clicks the first enabled element matching the selector, if any. */
function clickFirst(selector: string, options: { hasText?: string } = {}): PageStep['act'] {
  return async (page) => {
    const target = page.locator(selector, options).first();
    if ((await target.count()) === 0 || (await target.isDisabled())) return false;
    await target.click();
    return true;
  };
}

export const BENCH_PAGES: readonly BenchPage[] = [
  {
    name: 'overview',
    path: '/',
    steps: [
      { name: 'year − 1', act: setYear(-1) },
      { name: 'year + 1', act: setYear(1) },
      {
        name: 'cell → drill-down page',
        act: async (page) => {
          await Promise.all([page.waitForURL(/\/pages\/drilldown/), page.locator('table.scorecard td.cell a').first().click()]);
          return true;
        },
      },
    ],
  },
  {
    name: 'drilldown',
    path: '/pages/drilldown',
    steps: [
      { name: 'street/town → communities', act: clickFirst('#panels table tbody a') },
      { name: 'community → institutions', act: clickFirst('#panels table tbody a') },
      { name: 'breadcrumb → street/town', act: clickFirst('nav.crumbs a >> nth=-1') },
      { name: 'by institution', act: clickFirst('nav.crumbs button', { hasText: '机构' }) },
      { name: 'indicator', act: selectFilter('指标', (round) => round + 3) },
    ],
  },
  {
    name: 'trends',
    path: '/pages/trends',
    steps: [
      { name: 'indicator', act: selectFilter('指标', (round) => round + 1) },
      { name: 'indicator again', act: selectFilter('指标', (round) => round + 5) },
    ],
  },
  {
    name: 'worklists',
    path: '/pages/worklists',
    steps: [
      { name: 'next page', act: clickFirst('#panel-issues .pager button', { hasText: '下一页' }) },
      { name: 'previous page', act: clickFirst('#panel-issues .pager button', { hasText: '上一页' }) },
      { name: 'kind', act: selectFilter('问题类型', (round) => round + 1) },
      { name: 'region', act: selectFilter('地区', (round) => round + 1) },
      { name: 'program', act: selectFilter('项目', (round) => round + 1) },
      { name: 'institution', act: selectFilter('机构', (round) => round + 1) },
    ],
  },
  {
    name: 'assessment',
    path: '/pages/assessment',
    steps: [
      { name: 'by institution', act: selectFilter('分组', () => 1) },
      { name: 'by street/town', act: selectFilter('分组', () => 0) },
      { name: 'year − 1', act: setYear(-1) },
    ],
  },
  // 数据接收 has no controls: its first view is all there is.
  { name: 'intake', path: '/pages/intake', steps: [] },
];
