// Scheduled jobs declared in pipelines/schedules.json, run with node-cron inside `hap serve`.
import type { Runtime } from '../runtime.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduledJobs(_runtime: Runtime, _log: (message: string) => void): Scheduler {
  return { stop: async () => {} };
}
