// Scheduled jobs declared in pipelines/schedules.json, run with node-cron inside `hap serve`.
// On start the snapshot job catches up the nights it missed while the server was down.
import cron, { type ScheduledTask } from 'node-cron';
import type { Runtime } from '../runtime.js';
import { snapshotMissedNights } from './indicator-snapshot.js';
import { checkFreshness } from './institution-freshness.js';
import { loadSchedules, type Schedules } from './schedule-config.js';
import { SingleFlight } from './single-flight.js';

export interface Scheduler {
  /** Stops the cron tasks and waits for a job that is running. */
  stop(): Promise<void>;
  /** Resolves when the start-up catch-up is done (tests; `hap serve` does not wait for it). */
  readonly startedUp: Promise<void>;
}

export interface SchedulerOptions {
  /** default: pipelines/schedules.json of the project */
  schedulesFile?: string;
  /** the clock jobs use to pick their dates (tests); cron ticks follow the real clock */
  now?: () => number;
}

interface Job {
  name: string;
  cron: string;
  timezone: string;
  run: () => Promise<unknown>;
}

function jobsOf(runtime: Runtime, schedules: Schedules, now: () => number, log: (message: string) => void): Job[] {
  const { indicator_snapshot: snapshot, institution_freshness: freshness } = schedules.jobs;
  const jobs: Job[] = [];
  if (snapshot.enabled) {
    jobs.push({
      name: 'indicator_snapshot',
      cron: snapshot.cron,
      timezone: snapshot.timezone,
      run: () => snapshotMissedNights(runtime, { levels: snapshot.levels, catchUpDays: snapshot.catch_up_days, now: now(), log }),
    });
  }
  if (freshness.enabled) {
    jobs.push({
      name: 'institution_freshness',
      cron: freshness.cron,
      timezone: freshness.timezone,
      run: () => checkFreshness(runtime, { staleAfterDays: freshness.stale_after_days, now: now(), log }),
    });
  }
  return jobs;
}

/**
 * Validates the schedules file (throws at start, naming the bad key), schedules the enabled
 * jobs and starts the snapshot catch-up in the background. Job failures are logged only.
 */
export function startScheduledJobs(runtime: Runtime, log: (message: string) => void, options: SchedulerOptions = {}): Scheduler {
  const schedules = options.schedulesFile ? loadSchedules(options.schedulesFile) : runtime.schedules;
  const now = options.now ?? Date.now;
  const tasks: ScheduledTask[] = [];
  const flights: SingleFlight[] = [];
  let startedUp: Promise<void> = Promise.resolve();

  for (const job of jobsOf(runtime, schedules, now, log)) {
    // Our own guard rather than node-cron's noOverlap: stop() has to be able to wait for the run.
    const flight = new SingleFlight(job.name, log);
    flights.push(flight);
    const task = cron.createTask(job.cron, () => flight.run(job.run), { name: job.name, timezone: job.timezone });
    void task.start();
    tasks.push(task);
    log(`scheduled ${job.name}: "${job.cron}" (${job.timezone}), next run ${task.getNextRun()?.toISOString() ?? 'never'}`);
    if (job.name === 'indicator_snapshot') startedUp = flight.run(job.run);
  }

  return {
    startedUp,
    async stop() {
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      await Promise.all(flights.map((f) => f.idle()));
    },
  };
}
