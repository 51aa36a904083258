// `npm run bench:pages`: how fast the six pages draw in a real browser (issue 10: first view under
// 2 s, every later click under 500 ms). Builds a synthetic district (`--scale`, default 1 =
// Dadukou) in .bench/ or reuses the one an earlier run built there, takes a few month-end
// snapshots for the trends, lets the maintained state build, serves the real app on a loopback
// port and drives headless Chromium: per round and page a fresh browser context (nothing cached)
// opens the page — the first view, from navigation until #panels says every panel has drawn —
// then makes the clicks of page-steps.ts, each timed until the view has drawn again. Results go
// to .bench/ (untracked); BENCHMARKS.md summarises them. The last line printed is the summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../api/app.js';
import { prepareStore } from '../cli/commands/start.js';
import { loadConfig } from '../config/config.js';
import { takeSnapshot } from '../jobs/indicator-snapshot.js';
import { todayInBeijing } from '../metrics/evaluation-period.js';
import { openRuntime } from '../runtime.js';
import { snapshotIndicatorsByDate } from '../store/snapshot-store.js';
import { CHROMIUM, launchChromium, viewDrawn, watchRequests } from './browser.js';
import { BENCH_PAGES } from './page-steps.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const ms = (x: number) => (Number.isNaN(x) ? '–' : String(Math.round(x)));

/** The last day of each of the `count` months before today's, within this year (for the trends). */
function monthEnds(today: string, count: number): string[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const out: string[] = [];
  for (let m = Math.max(1, month - count); m < month; m++) out.push(new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10));
  return out;
}

interface Timing {
  page: string;
  step: string;
  ms: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '20261125' },
      rounds: { type: 'string', default: '5' },
      'data-dir': { type: 'string' },
      screenshots: { type: 'string' },
    },
  });
  const scale = Number(values.scale);
  const rounds = Number(values.rounds);
  if (!(scale > 0) || !(rounds >= 1)) throw new Error('--scale must be a positive number and --rounds at least 1');
  // Kept between runs: loading the default district through the pipeline takes minutes.
  const dataDir = values['data-dir'] ?? join(ROOT, '.bench', `pages-district-scale-${scale}`);
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ ...process.env, HAP_DATA_DIR: dataDir, HAP_PSEUDONYM_KEY: 'bench-pages-key-0123456789abcdef0123', HAP_AUTH: 'off', HAP_RATE_LIMIT_PER_MINUTE: '1000000' });
  const runtime = await openRuntime(config);
  const started = Date.now();
  try {
    const prepared = await prepareStore(runtime, { seed: Number(values.seed), scale });
    const loadSeconds = (Date.now() - started) / 1000;
    const today = todayInBeijing();
    const ends = monthEnds(today, 3);
    const snapStart = Date.now();
    // The month ends only (the trend shows the last snapshot of each month), those not yet taken.
    const stored = ends.length > 0 ? await snapshotIndicatorsByDate(runtime.store.client, ends[0]!, ends.at(-1)!) : new Map();
    for (const date of ends.filter((d) => !stored.has(d))) await takeSnapshot(runtime, date, { levels: ['county', 'street'] });
    const snapSeconds = (Date.now() - snapStart) / 1000;
    const stateStart = Date.now();
    await runtime.state!.start();
    const stateSeconds = (Date.now() - stateStart) / 1000;

    const app = await buildApp(runtime);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await launchChromium();
    const timings = { first: [] as Timing[], clicks: [] as Timing[], skipped: new Set<string>() };
    let offsite: string[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        for (const benchPage of BENCH_PAGES) {
          const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
          context.setDefaultTimeout(60_000);
          const watch = await watchRequests(context);
          const page = await context.newPage();
          const t0 = performance.now();
          await page.goto(`${base}${benchPage.path}`, { waitUntil: 'commit' });
          await viewDrawn(page, 60_000);
          timings.first.push({ page: benchPage.name, step: 'first view', ms: performance.now() - t0 });
          if (round === 0 && values.screenshots) {
            mkdirSync(values.screenshots, { recursive: true });
            await page.screenshot({ path: join(values.screenshots, `${benchPage.name}.png`), fullPage: true });
          }
          const shown = await page.locator('#panels .problem').allTextContents();
          if (shown.length > 0) throw new Error(`${benchPage.name}: the page shows a problem: ${shown.join(' | ')}`);
          for (const step of benchPage.steps) {
            const t = performance.now();
            if (!(await step.act(page, round))) {
              timings.skipped.add(`${benchPage.name}: ${step.name}`);
              continue;
            }
            await viewDrawn(page, 60_000);
            timings.clicks.push({ page: benchPage.name, step: step.name, ms: performance.now() - t });
          }
          offsite = [...offsite, ...watch.offsite];
          await context.close();
        }
        console.error(`round ${round + 1}/${rounds} done`);
      }
    } finally {
      await browser.close();
      await app.close();
    }

    const firstAll = timings.first.map((t) => t.ms);
    const clickAll = timings.clicks.map((t) => t.ms);
    const summary = `pages: first view p95 ${ms(percentile(firstAll, 95))} ms, click p95 ${ms(percentile(clickAll, 95))} ms`;
    const rows = BENCH_PAGES.map((p) => {
      const first = timings.first.filter((t) => t.page === p.name).map((t) => t.ms);
      const clicks = timings.clicks.filter((t) => t.page === p.name);
      const slowest = [...clicks].sort((a, b) => b.ms - a.ms)[0];
      const c = clicks.map((t) => t.ms);
      return `| ${p.name} | ${ms(percentile(first, 50))} | ${ms(percentile(first, 95))} | ${c.length} | ${ms(percentile(c, 50))} | ${ms(percentile(c, 95))} | ${slowest ? `${slowest.step} ${ms(slowest.ms)}` : ''} |`;
    });
    const steps = [...new Set(timings.clicks.map((t) => `${t.page}\u0000${t.step}`))].map((key) => {
      const [page, step] = key.split('\u0000') as [string, string];
      const c = timings.clicks.filter((t) => t.page === page && t.step === step).map((t) => t.ms);
      return `| ${page} | ${step} | ${ms(percentile(c, 50))} | ${ms(Math.max(...c))} |`;
    });
    const report = [
      `## Pages, scale ${scale}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; embedded chDB; ${CHROMIUM} headless, 1400 × 900.`,
      `Store: ${prepared} (${loadSeconds.toFixed(1)} s); snapshots ${ends.join(', ') || 'none'} (${snapSeconds.toFixed(1)} s); maintained state built in ${stateSeconds.toFixed(1)} s. ${rounds} rounds, each page in a fresh browser context.`,
      '',
      '| page | first view median ms | first view p95 ms | clicks | click median ms | click p95 ms | slowest click |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      '| page | click | median ms | max ms |',
      '|---|---|---|---|',
      ...steps,
      '',
      timings.skipped.size ? `Skipped (nothing to click): ${[...timings.skipped].join('; ')}.` : '',
      offsite.length ? `REQUESTS OFF THE MACHINE (blocked): ${offsite.join(', ')}` : 'No request left the machine.',
      '',
      `\`${summary}\``,
      '',
    ].join('\n');
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    const file = join(ROOT, '.bench', `pages-scale-${scale}-${Date.now()}.md`);
    writeFileSync(file, report);
    console.error(report);
    console.error(`written to ${file}`);
    console.log(summary);
  } finally {
    await runtime.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
