// `npm run bench:reads`: how fast supervisors' reads answer from the maintained state, next to the
// event-log scan they replace (measured in the same run, on the same store). Builds a synthetic
// district (`--scale`, default 1 = Dadukou), lets the state build, then times through the API
// (in process, app.inject): every indicator by street, community and institution; the assessment
// as JSON and XLSX; completeness; a worklist page; an event's way from POST /v1/events to its
// indicator; and the log scan of every indicator by street (as_of today). Results are written to
// .bench/ (untracked); BENCHMARKS.md summarises them. The last line printed is the summary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../api/app.js';
import { loadSyntheticDistrict } from '../cli/commands/start.js';
import { loadConfig } from '../config/config.js';
import { todayInBeijing } from '../metrics/evaluation-period.js';
import { STATE_YEARS } from '../metrics/state/state-maintainer.js';
import { openRuntime } from '../runtime.js';
import { checkCharacter } from '../transform/id-number.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const median = (values: readonly number[]) => percentile(values, 50);
const ms = (x: number) => Math.round(x);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, 'freshness-samples': { type: 'string', default: '20' }, 'log-scan-samples': { type: 'string', default: '0' } },
  });
  const scale = Number(values.scale);
  const dataDir = mkdtempSync(join(tmpdir(), 'hap-bench-reads-'));
  const config = loadConfig({ ...process.env, HAP_DATA_DIR: dataDir, HAP_PSEUDONYM_KEY: 'bench-key-0123456789abcdef0123456789', HAP_AUTH: 'off', HAP_RATE_LIMIT_PER_MINUTE: '1000000' });
  const runtime = await openRuntime(config);
  try {
    const loadStart = Date.now();
    const loaded = await loadSyntheticDistrict(runtime, { seed: 20261125, scale });
    const loadSeconds = (Date.now() - loadStart) / 1000;
    const buildStart = Date.now();
    await runtime.state!.start();
    const buildSeconds = (Date.now() - buildStart) / 1000;
    const app = await buildApp(runtime);
    const get = async (url: string): Promise<{ ms: number; body: string }> => {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return { ms: performance.now() - started, body: res.body };
    };
    const year = Number(todayInBeijing().slice(0, 4)) - 1;
    const ids = runtime.catalogue.map((i) => i.id);

    const indicatorTimes: number[] = [];
    for (const by of ['street', 'community', 'institution']) {
      for (const id of ids) indicatorTimes.push((await get(`/v1/indicators/${id}?year=${year}&by=${by}`)).ms);
    }
    const timesOf = async (urls: readonly string[]) => {
      const out: number[] = [];
      for (const url of urls) out.push((await get(url)).ms);
      return out;
    };
    const assessmentJson = median(await timesOf([1, 2, 3].map(() => `/v1/reports/assessment?year=${year}`)));
    const assessmentXlsx = median(await timesOf([1, 2, 3].map(() => `/v1/reports/assessment?year=${year}&format=xlsx`)));
    const completenessTimes = await timesOf(['street', 'community', 'institution'].map((by) => `/v1/quality/completeness?year=${year}&by=${by}`));
    const worklistTimes: number[] = [];
    for (const query of ['', '&kind=missing_basic_fields', '&region=500104002', '&institution=H500104004', '&page=50', '&kind=duplicate_archive&page=2']) {
      worklistTimes.push((await get(`/v1/quality/issues?year=${year}&page_size=50${query}`)).ms);
    }

    // Freshness: a new resident's archive posted now, until archive_coverage counts them, read as a
    // supervisor reads with the default HAP_STATE_MAX_LAG_MS (the state while it is at most 5 s
    // behind, the log past that); and how long the state took to apply the event.
    const freshness: number[] = [];
    const refreshes: number[] = [];
    const current = Number(todayInBeijing().slice(0, 4));
    const coverage = async () => JSON.parse((await get(`/v1/indicators/archive_coverage?year=${current}&by=street`)).body).total.numerator as number;
    for (let i = 0; i < Number(values['freshness-samples']); i++) {
      const before = await coverage();
      const first17 = `5001041990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(900 + (i % 99)).padStart(3, '0')}`;
      const event = {
        event_id: `bench-fresh-${Date.now()}-${i}`, type: 'archive.created', schema_version: 1, occurred_at: todayInBeijing(), institution_code: 'H500104001',
        person: { id_number: first17 + checkCharacter(first17), name: '测试', sex: '1' },
        data: { archive_no: `5001040010010${String(9000 + i)}`, established_on: todayInBeijing(), residence: { division_code: '500104001001' } },
      };
      const started = performance.now();
      const res = await app.inject({ method: 'POST', url: '/v1/events', payload: [event] });
      if (res.statusCode !== 202 || res.json().accepted !== 1) throw new Error(`freshness event not accepted: ${res.body}`);
      for (;;) {
        if ((await coverage()) > before) break;
        if (performance.now() - started > 60_000) throw new Error('an accepted event was not visible within 60 s');
      }
      freshness.push(performance.now() - started);
      await runtime.state!.idle();
      refreshes.push(performance.now() - started);
    }

    // The log scan the state replaces: every indicator by street, as_of today.
    const logTimes: number[] = [];
    // At large scales each scan takes long: --log-scan-samples N times the first N indicators only.
    const scanSamples = Number(values['log-scan-samples']);
    const scanned = scanSamples > 0 ? ids.slice(0, scanSamples) : ids;
    for (const id of scanned) logTimes.push((await get(`/v1/indicators/${id}?year=${current}&by=street&as_of=${todayInBeijing()}`)).ms);

    const summary =
      `reads: indicator p95 ${ms(percentile(indicatorTimes, 95))} ms, assessment ${ms(assessmentJson)} ms, worklist page ${ms(percentile(worklistTimes, 95))} ms, ` +
      `freshness p95 ${ms(percentile(freshness, 95))} ms, log-scan indicator p95 ${ms(percentile(logTimes, 95))} ms`;
    const report = [
      `## Reads, scale ${scale}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; embedded chDB.`,
      `Load: ${loaded} (${loadSeconds.toFixed(1)} s); maintained state built in ${buildSeconds.toFixed(1)} s (${STATE_YEARS} years × person, patient, worklist).`,
      '',
      '| read | median ms | p95 ms | samples |',
      '|---|---|---|---|',
      `| indicator by street, community or institution (state) | ${ms(median(indicatorTimes))} | ${ms(percentile(indicatorTimes, 95))} | ${indicatorTimes.length} |`,
      `| assessment JSON, ${ids.length} indicators | ${ms(assessmentJson)} | | 3 |`,
      `| assessment XLSX | ${ms(assessmentXlsx)} | | 3 |`,
      `| completeness | ${ms(median(completenessTimes))} | ${ms(percentile(completenessTimes, 95))} | ${completenessTimes.length} |`,
      `| worklist page of 50 | ${ms(median(worklistTimes))} | ${ms(percentile(worklistTimes, 95))} | ${worklistTimes.length} |`,
      `| POST /v1/events → visible in its indicator (default HAP_STATE_MAX_LAG_MS) | ${ms(median(freshness))} | ${ms(percentile(freshness, 95))} | ${freshness.length} |`,
      `| POST /v1/events → applied to the state (its people refreshed) | ${ms(median(refreshes))} | ${ms(percentile(refreshes, 95))} | ${refreshes.length} |`,
      `| baseline: indicator by street from the log scan (as_of) | ${ms(median(logTimes))} | ${ms(percentile(logTimes, 95))} | ${logTimes.length} |`,
      '',
      `\`${summary}\``,
      '',
    ].join('\n');
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    const file = join(ROOT, '.bench', `reads-scale-${scale}-${Date.now()}.md`);
    writeFileSync(file, report);
    console.error(report);
    console.error(`written to ${file}`);
    await app.close();
    console.log(summary);
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
