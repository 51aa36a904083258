// Configuration: read once from the environment (and CLI flags), validated with every problem
// reported together, defaults in one place, then frozen and passed in. Nothing else reads process.env.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const commaList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const DEFAULT_INDICATORS_FILE = fileURLToPath(new URL('../../pipelines/indicators.json', import.meta.url));
const DEFAULT_ASSESSMENT_FILE = fileURLToPath(new URL('../../pipelines/assessment.json', import.meta.url));
const DEFAULT_SCHEDULES_FILE = fileURLToPath(new URL('../../pipelines/schedules.json', import.meta.url));

const envSchema = z.object({
  HAP_DATA_DIR: z.string().default('./data'),
  HAP_CLICKHOUSE_URL: z.url().optional(),
  HAP_CLICKHOUSE_USER: z.string().default('default'),
  HAP_CLICKHOUSE_PASSWORD: z.string().default(''),
  HAP_CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('hap'),
  HAP_CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a cluster name of remote_servers').optional(),
  HAP_CLICKHOUSE_MAX_MEMORY: z.coerce.number().int().positive().default(4 * 1024 ** 3),
  HAP_KAFKA_BROKERS: commaList.optional(),
  HAP_KAFKA_TOPIC: z.string().default('hap.archive-events.v1'),
  HAP_KAFKA_GROUP: z.string().default('hap-ingest'),
  HAP_KAFKA_DLQ_TOPIC: z.string().default('hap.archive-events.v1.dlq'),
  HAP_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  HAP_KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  HAP_KAFKA_SASL_USERNAME: z.string().optional(),
  HAP_KAFKA_SASL_PASSWORD: z.string().optional(),
  HAP_KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  HAP_INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HAP_PSEUDONYM_KEY: z.string().min(32, 'use at least 32 characters (hex or base64 of 16+ random bytes)').optional(),
  HAP_REGION: z.string().regex(/^\d{6}$/, 'a 6-digit county code').default('500104'),
  HAP_INSTITUTIONS_FILE: commaList.optional(),
  HAP_INDICATORS_FILE: z.string().optional(),
  HAP_HOST: z.string().default('127.0.0.1'),
  HAP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HAP_BODY_LIMIT_MB: z.coerce.number().positive().default(64),
  HAP_INSERT_BATCH_ROWS: z.coerce.number().int().positive().default(20_000),
  // 0: normalise on the main thread; default: one thread per core, up to 4
  HAP_INGEST_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  HAP_STATE: z.enum(['on', 'off']).default('on'),
  HAP_STATE_MAX_LAG_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  HAP_STATE_BULK_PEOPLE: z.coerce.number().int().min(1).default(5_000),
  // people per part of a year's state build (the maintainer's BUILD_PART_PEOPLE)
  HAP_STATE_BUILD_PART_PEOPLE: z.coerce.number().int().min(1).default(100_000),
  // Access control (README "Security"): on, or off for development on a loopback address only.
  HAP_AUTH: z.enum(['on', 'off']).default('on'),
  HAP_OIDC_ISSUER: z.string().url().optional(),
  HAP_OIDC_JWKS_URL: z.string().url().optional(),
  HAP_OIDC_AUDIENCE: z.string().min(1).optional(),
  HAP_OIDC_ROLE_CLAIM: z.string().min(1).default('hap_role'),
  HAP_OIDC_SCOPE_CLAIM: z.string().min(1).default('hap_scope'),
  // AES-256-GCM keys `id:base64,…` sealing identities and rejected payloads; the first seals.
  HAP_SEALING_KEYS: z.string().min(1).optional(),
  // Hostile input (issue 11): bounds on what one request may cost.
  HAP_MAX_EVENTS_PER_REQUEST: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  HAP_MAX_LISTED_REJECTIONS: z.coerce.number().int().min(0).max(100_000).default(1_000),
  HAP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  HAP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  HAP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  HAP_HEAVY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  HAP_HEAVY_QUEUE: z.coerce.number().int().min(0).max(1_000).default(8),
  // Requests per minute of one caller (one token, or one address without a token).
  HAP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  // The CLI beside a running server (hap import, population import, backup): send through its API.
  HAP_API_URL: z.url().optional(),
  // The other pipelines/ files, each pointable elsewhere (HAP_INDICATORS_FILE is above).
  HAP_ASSESSMENT_FILE: z.string().min(1).optional(),
  HAP_SCHEDULES_FILE: z.string().min(1).optional(),
  // Where POST /v1/admin/backup may write (a backup asked through the API lands inside it).
  HAP_BACKUP_ROOT: z.string().min(1).optional(),
  HAP_API_TOKEN: z.string().min(1).optional(),
  HAP_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly dataDir: string;
  readonly clickhouse:
    | { readonly mode: 'embedded'; readonly path: string; readonly database: string; readonly maxMemoryBytes: number }
    | {
        readonly mode: 'server';
        readonly url: string;
        readonly username: string;
        readonly password: string;
        readonly database: string;
        readonly maxMemoryBytes: number;
        /** set → replicated tables ON CLUSTER with Distributed tables over them (docs/scale-out.md) */
        readonly cluster?: string;
      };
  readonly kafka?: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly group: string;
    readonly dlqTopic: string;
    readonly partitions: number;
    readonly ssl: boolean;
    readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  };
  readonly ingestPort: number;
  readonly pseudonymKey?: string;
  readonly region: string;
  readonly institutionFiles: readonly string[];
  /** district overrides of indicator targets and parameters */
  readonly indicatorsFile: string;
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly insertBatchRows: number;
  /** normaliser threads (0: on the main thread) */
  readonly ingestThreads: number;
  /** the maintained state of every person (src/metrics/state): on, or off (every read scans the log) */
  readonly state: { readonly enabled: boolean; readonly maxLagMs: number; readonly bulkPeople: number; readonly buildPartPeople: number };
  readonly logLevel: string;
  readonly auth: {
    readonly enabled: boolean;
    readonly oidc?: { readonly issuer: string; readonly jwksUrl?: string; readonly audience?: string; readonly roleClaim: string; readonly scopeClaim: string };
  };
  readonly sealingKeys?: string;
  /** a running server the CLI sends through (its store is locked to it): base URL and bearer token */
  /** assessment weights (pipelines/assessment.json) */
  readonly assessmentFile: string;
  /** scheduled jobs (pipelines/schedules.json) */
  readonly schedulesFile: string;
  /** the folder API backups are written under */
  readonly backupRoot: string;
  readonly api: { readonly url?: string; readonly token?: string };
  /** what one HTTP request may cost (src/api/app.ts, src/api/heavy-limit.ts) */
  readonly limits: {
    /** events in one POST /v1/events (more: 413) */
    readonly maxEventsPerRequest: number;
    /** rejected events listed one by one in an answer; the rest are counted by reason */
    readonly maxListedRejections: number;
    /** to receive a whole request, body included (a slow body gets 408) */
    readonly requestTimeoutMs: number;
    /** an idle socket is closed after this */
    readonly connectionTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    /** heavy reads (worklists, reports, exports, samples) running at once, and waiting */
    readonly heavyConcurrency: number;
    readonly heavyQueue: number;
    /** requests per minute of one caller (token, or address) */
    readonly ratePerMinute: number;
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Record<keyof z.input<typeof envSchema>, string>> = {}): Config {
  const parsed = envSchema.safeParse({ ...env, ...overrides });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.HAP_DATA_DIR);
  const config: Config = {
    dataDir,
    clickhouse: e.HAP_CLICKHOUSE_URL
      ? {
          mode: 'server',
          url: e.HAP_CLICKHOUSE_URL,
          username: e.HAP_CLICKHOUSE_USER,
          password: e.HAP_CLICKHOUSE_PASSWORD,
          database: e.HAP_CLICKHOUSE_DATABASE,
          maxMemoryBytes: e.HAP_CLICKHOUSE_MAX_MEMORY,
          ...(e.HAP_CLICKHOUSE_CLUSTER ? { cluster: e.HAP_CLICKHOUSE_CLUSTER } : {}),
        }
      : { mode: 'embedded', path: resolve(dataDir, 'chdb'), database: e.HAP_CLICKHOUSE_DATABASE, maxMemoryBytes: e.HAP_CLICKHOUSE_MAX_MEMORY },
    ...(e.HAP_KAFKA_BROKERS
      ? {
          kafka: {
            brokers: e.HAP_KAFKA_BROKERS,
            topic: e.HAP_KAFKA_TOPIC,
            group: e.HAP_KAFKA_GROUP,
            dlqTopic: e.HAP_KAFKA_DLQ_TOPIC,
            partitions: e.HAP_KAFKA_PARTITIONS,
            ssl: e.HAP_KAFKA_SSL === 'true',
            ...(e.HAP_KAFKA_SASL_MECHANISM
              ? { sasl: { mechanism: e.HAP_KAFKA_SASL_MECHANISM, username: e.HAP_KAFKA_SASL_USERNAME ?? '', password: e.HAP_KAFKA_SASL_PASSWORD ?? '' } }
              : {}),
          },
        }
      : {}),
    ingestPort: e.HAP_INGEST_PORT,
    ...(e.HAP_PSEUDONYM_KEY ? { pseudonymKey: e.HAP_PSEUDONYM_KEY } : {}),
    region: e.HAP_REGION,
    institutionFiles: (e.HAP_INSTITUTIONS_FILE ?? []).map((f) => resolve(f)),
    indicatorsFile: e.HAP_INDICATORS_FILE ? resolve(e.HAP_INDICATORS_FILE) : DEFAULT_INDICATORS_FILE,
    host: e.HAP_HOST,
    port: e.HAP_PORT,
    bodyLimitBytes: Math.round(e.HAP_BODY_LIMIT_MB * 1024 * 1024),
    insertBatchRows: e.HAP_INSERT_BATCH_ROWS,
    // One thread per core (up to 4): the main thread mostly waits on the transport and the store.
    ingestThreads: e.HAP_INGEST_THREADS ?? Math.max(1, Math.min(4, availableParallelism())),
    state: { enabled: e.HAP_STATE === 'on', maxLagMs: e.HAP_STATE_MAX_LAG_MS, bulkPeople: e.HAP_STATE_BULK_PEOPLE, buildPartPeople: e.HAP_STATE_BUILD_PART_PEOPLE },
    logLevel: e.HAP_LOG_LEVEL,
    auth: {
      enabled: e.HAP_AUTH === 'on',
      ...(e.HAP_OIDC_ISSUER
        ? {
            oidc: {
              issuer: e.HAP_OIDC_ISSUER,
              ...(e.HAP_OIDC_JWKS_URL ? { jwksUrl: e.HAP_OIDC_JWKS_URL } : {}),
              ...(e.HAP_OIDC_AUDIENCE ? { audience: e.HAP_OIDC_AUDIENCE } : {}),
              roleClaim: e.HAP_OIDC_ROLE_CLAIM,
              scopeClaim: e.HAP_OIDC_SCOPE_CLAIM,
            },
          }
        : {}),
    },
    ...(e.HAP_SEALING_KEYS ? { sealingKeys: e.HAP_SEALING_KEYS } : {}),
    assessmentFile: e.HAP_ASSESSMENT_FILE ? resolve(e.HAP_ASSESSMENT_FILE) : DEFAULT_ASSESSMENT_FILE,
    schedulesFile: e.HAP_SCHEDULES_FILE ? resolve(e.HAP_SCHEDULES_FILE) : DEFAULT_SCHEDULES_FILE,
    backupRoot: e.HAP_BACKUP_ROOT ? resolve(e.HAP_BACKUP_ROOT) : resolve(dataDir, '..', 'hap-backups'),
    api: { ...(e.HAP_API_URL ? { url: e.HAP_API_URL.replace(/\/+$/, '') } : {}), ...(e.HAP_API_TOKEN ? { token: e.HAP_API_TOKEN } : {}) },
    limits: {
      maxEventsPerRequest: e.HAP_MAX_EVENTS_PER_REQUEST,
      maxListedRejections: e.HAP_MAX_LISTED_REJECTIONS,
      requestTimeoutMs: e.HAP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.HAP_CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HAP_KEEP_ALIVE_TIMEOUT_MS,
      heavyConcurrency: e.HAP_HEAVY_CONCURRENCY,
      heavyQueue: e.HAP_HEAVY_QUEUE,
      ratePerMinute: e.HAP_RATE_LIMIT_PER_MINUTE,
    },
  };
  if (!config.auth.enabled && !LOOPBACK.has(config.host)) {
    throw new ConfigError([`HAP_AUTH=off opens every route to anyone who reaches the port: allowed only with HAP_HOST on a loopback address (127.0.0.1, ::1), not ${config.host}`]);
  }
  if (e.HAP_CLICKHOUSE_CLUSTER && config.clickhouse.mode !== 'server') {
    throw new ConfigError(['HAP_CLICKHOUSE_CLUSTER: needs HAP_CLICKHOUSE_URL (the embedded engine is one process)']);
  }
  if (config.clickhouse.mode === 'server' && !config.pseudonymKey) {
    throw new ConfigError(['HAP_PSEUDONYM_KEY: required with HAP_CLICKHOUSE_URL (every worker must hash IDs with the same key)']);
  }
  return Object.freeze(config);
}
