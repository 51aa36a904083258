// pipelines/schedules.json: which scheduled jobs run, when, and with what parameters. Validated
// once at start; every problem is reported together, each naming its key.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';

/** Relative to this module, so it resolves the same from src/ (tests) and dist/ (the CLI). */
export const DEFAULT_SCHEDULES_FILE = fileURLToPath(new URL('../../pipelines/schedules.json', import.meta.url));

export const SNAPSHOT_LEVELS = ['county', 'street', 'community', 'institution'] as const;
export type SnapshotLevel = (typeof SNAPSHOT_LEVELS)[number];

const cronExpression = z.string().superRefine((value, ctx) => {
  const check = cron.validateDetailed(value);
  if (check.valid) return;
  const why = check.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a cron expression${why ? ` (${why})` : ''}` });
});

// node-cron accepts an unknown zone silently and then never fires; Intl knows the IANA names.
const timezone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an IANA time zone (e.g. Asia/Shanghai)` });
  }
});

const jobBase = {
  enabled: z.boolean().default(true),
  cron: cronExpression,
  timezone: timezone.default('Asia/Shanghai'),
};

const snapshotJobSchema = z
  .object({
    ...jobBase,
    levels: z
      .array(z.enum(SNAPSHOT_LEVELS))
      .min(1)
      .refine((levels) => new Set(levels).size === levels.length, 'a level is listed twice')
      .default([...SNAPSHOT_LEVELS]),
    // A missed night is back-filled exactly (as_of), but each night costs ~50 queries: bound it.
    catch_up_days: z.number().int().min(1).max(366).default(31),
  })
  .strict();

const freshnessJobSchema = z
  .object({
    ...jobBase,
    stale_after_days: z.number().int().min(1).max(365).default(7),
  })
  .strict();

export const schedulesSchema = z
  .object({
    $comment: z.string().optional(),
    jobs: z
      .object({
        indicator_snapshot: snapshotJobSchema,
        institution_freshness: freshnessJobSchema,
      })
      .strict(),
  })
  .strict();

export type Schedules = z.infer<typeof schedulesSchema>;
export type SnapshotJobSchedule = Schedules['jobs']['indicator_snapshot'];
export type FreshnessJobSchedule = Schedules['jobs']['institution_freshness'];

/** Parses the text of a schedules file; throws one error listing every bad key. */
export function parseSchedules(text: string, file = 'schedules.json'): Schedules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schedulesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  }
  return deepFreeze(parsed.data);
}

export function loadSchedules(file: string = DEFAULT_SCHEDULES_FILE): Schedules {
  return parseSchedules(readFileSync(file, 'utf8'), file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
