// Versioned schema migrations (`hap migrate`, also run at start). A migration is applied once,
// in order, and recorded; statements are idempotent so a crash half-way can be re-run.
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

// The deduplication window makes a retried insert with the same insert_deduplication_token a
// no-op on plain MergeTree (it is off by default there).
const DEDUP_WINDOW = 'non_replicated_deduplication_window = 1000';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, rejections, population',
    statements: [
      `CREATE TABLE IF NOT EXISTS events (
        institution_code LowCardinality(String),
        event_id String,
        type LowCardinality(String),
        occurred_at DateTime64(3, 'UTC'),
        received_at DateTime64(3, 'UTC'),
        -- Keep the first copy of an idempotency key: a replay never moves what as_of sees.
        keep_rank UInt64 MATERIALIZED toUInt64(9999999999999 - toUnixTimestamp64Milli(received_at)),
        person_key String,
        id_type LowCardinality(String),
        id_masked String,
        name_masked String,
        sex Nullable(UInt8),
        birth_date Nullable(Date32),
        archive_no String,
        event_date Nullable(Date32),
        medium LowCardinality(String),
        division_code LowCardinality(String),
        program LowCardinality(String),
        method LowCardinality(String),
        kind LowCardinality(String),
        visit_kind LowCardinality(String),
        bp_systolic Nullable(Float32),
        bp_diastolic Nullable(Float32),
        fasting_glucose Nullable(Float32),
        classification LowCardinality(String),
        condition LowCardinality(String),
        gestational_weeks Nullable(UInt8),
        doses_due Nullable(UInt32),
        doses_taken Nullable(UInt32),
        next_followup_on Nullable(Date32),
        -- bits of the basic-information fields this record answers (src/transform/archive-fields.ts)
        answered_fields UInt32,
        warnings Array(LowCardinality(String)),
        source String
      ) ENGINE = ReplacingMergeTree(keep_rank)
      ORDER BY (institution_code, event_id)
      SETTINGS ${DEDUP_WINDOW}`,
      `CREATE TABLE IF NOT EXISTS rejections (
        received_at DateTime64(3, 'UTC'),
        source String,
        institution_code String,
        event_id String,
        type LowCardinality(String),
        reasons Array(Tuple(path String, code LowCardinality(String), message String)),
        raw_masked String
      ) ENGINE = ReplacingMergeTree
      ORDER BY (source, institution_code, event_id)
      SETTINGS ${DEDUP_WINDOW}`,
      `CREATE TABLE IF NOT EXISTS population (
        year UInt16,
        division_code String,
        group LowCardinality(String),
        count UInt64,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY (year, division_code, group)`,
    ],
  },
  {
    version: 2,
    name: 'indicator snapshots',
    statements: [
      // Numerator and denominator, never the rate: ratios are not additive. A re-run of a night
      // replaces its rows (same key, later taken_at).
      `CREATE TABLE IF NOT EXISTS indicator_snapshots (
        snapshot_date Date,
        indicator LowCardinality(String),
        year UInt16,
        level LowCardinality(String),
        code String,
        numerator UInt64,
        denominator UInt64,
        taken_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(taken_at)
      ORDER BY (indicator, year, level, code, snapshot_date)`,
    ],
  },
  {
    version: 3,
    name: 'contract v1.1 columns',
    statements: [
      `ALTER TABLE events
        ADD COLUMN IF NOT EXISTS delivered_on Nullable(Date32),
        ADD COLUMN IF NOT EXISTS discharged_on Nullable(Date32),
        -- person.linked: the person key of the previous identifier
        ADD COLUMN IF NOT EXISTS linked_from String,
        -- archive.transferred: the new holder of the archive
        ADD COLUMN IF NOT EXISTS to_institution LowCardinality(String),
        -- bits of the service items answered (src/transform/service-items.ts)
        ADD COLUMN IF NOT EXISTS service_items UInt32,
        -- coded fields as their code
        ADD COLUMN IF NOT EXISTS codes Map(LowCardinality(String), String)`,
    ],
  },
  {
    version: 4,
    name: 'person key skip index',
    statements: [
      // The maintained state re-reads the events of the people a batch touched: a bloom filter
      // lets that read skip the granules of everyone else.
      `ALTER TABLE events ADD INDEX IF NOT EXISTS person_key_bloom person_key TYPE bloom_filter(0.01) GRANULARITY 1`,
      `ALTER TABLE events MATERIALIZE INDEX person_key_bloom`,
    ],
  },
  {
    version: 5,
    name: 'access control: tokens, audit log, encrypted identities and rejected payloads',
    statements: [
      // Only the SHA-256 of a token's secret is kept; a change is a new version of the row.
      `CREATE TABLE IF NOT EXISTS api_tokens (
        id String,
        hash String,
        role LowCardinality(String),
        scope_code String,
        label String,
        created_at DateTime64(3, 'UTC'),
        expires_at Nullable(DateTime64(3, 'UTC')),
        revoked_at Nullable(DateTime64(3, 'UTC')),
        version UInt64
      ) ENGINE = ReplacingMergeTree(version)
      ORDER BY id`,
      // Appended to, never changed: no route updates or deletes it.
      `CREATE TABLE IF NOT EXISTS audit_log (
        at DateTime64(3, 'UTC'),
        id String,
        actor String,
        actor_role LowCardinality(String),
        actor_scope String,
        action LowCardinality(String),
        target String,
        reason String,
        route String,
        details String
      ) ENGINE = MergeTree
      ORDER BY (at, id)`,
      // A person's identity (ID number, name) encrypted with AES-256-GCM: what a permitted
      // reveal decrypts. The analytical tables never hold it in plain text.
      `CREATE TABLE IF NOT EXISTS identities (
        person_key String,
        key_id LowCardinality(String),
        sealed String,
        received_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(received_at)
      ORDER BY person_key
      SETTINGS ${DEDUP_WINDOW}`,
      `ALTER TABLE rejections
        ADD COLUMN IF NOT EXISTS payload_key_id LowCardinality(String),
        ADD COLUMN IF NOT EXISTS payload_sealed String`,
    ],
  },
  {
    version: 6,
    name: 'load markers',
    statements: [
      // A bulk load (the synthetic district of `npm start`) records that it started and, after
      // its last table, that it completed: a store with a start and no completion is half-filled.
      `CREATE TABLE IF NOT EXISTS load_markers (
        name LowCardinality(String),
        state LowCardinality(String),
        detail String,
        at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(at)
      ORDER BY name`,
    ],
  },
  {
    version: 7,
    name: 'hostile input: content hash, rejection copies, event id conflicts',
    statements: [
      // Tells two copies of one (institution_code, event_id) apart (src/store/event-writer.ts);
      // empty on rows stored before: those are never reported as conflicting.
      `ALTER TABLE events ADD COLUMN IF NOT EXISTS content_hash String`,
      // Identical rejected events of one batch are one row (src/ingest/rejection-copies.ts).
      `ALTER TABLE rejections ADD COLUMN IF NOT EXISTS copies UInt32 DEFAULT 1`,
      // A copy of an event id whose content differs from the kept copy: the copy itself is not
      // kept (first received wins), the fact is, for the sender and the worklist.
      `CREATE TABLE IF NOT EXISTS event_conflicts (
        received_at DateTime64(3, 'UTC'),
        source String,
        institution_code String,
        event_id String,
        content_hash String,
        kept_received_at Nullable(DateTime64(3, 'UTC')),
        kept_hash String,
        message String
      ) ENGINE = ReplacingMergeTree
      ORDER BY (institution_code, event_id, content_hash, source)
      SETTINGS ${DEDUP_WINDOW}`,
    ],
  },
];

/** How each table is spread over the shards of a cluster: a person's events meet on one shard. */
const SHARD_KEYS: Record<string, string> = {
  events: 'cityHash64(person_key)',
  rejections: 'cityHash64(source)',
  population: 'cityHash64(division_code)',
  indicator_snapshots: 'cityHash64(indicator, code)',
  api_tokens: 'cityHash64(id)',
  audit_log: 'cityHash64(id)',
  identities: 'cityHash64(person_key)',
  load_markers: 'cityHash64(name)',
  event_conflicts: 'cityHash64(institution_code, event_id)',
};

const ALTER_TABLE = /^ALTER TABLE (\w+)\s([\s\S]*)$/;
const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*)\) ENGINE = (\w+)(?:\(([^)]*)\))?([\s\S]*)$/;

/**
 * The cluster form of one migration statement (HAP_CLICKHOUSE_CLUSTER): the table becomes
 * `<name>_local ON CLUSTER` with the Replicated engine, and `<name>` a Distributed table over it,
 * so every query and insert in the code stays the same. Other statements run ON CLUSTER as is.
 */
export function clusterStatements(statement: string, cluster: string): string[] {
  const alter = ALTER_TABLE.exec(statement.trim());
  if (alter) {
    // A column goes to the replicated tables and to the Distributed table over them.
    const [, name, change] = alter;
    const local = `ALTER TABLE ${name}_local ON CLUSTER ${cluster} ${change}`;
    // An index lives in the replicated tables' parts only; a Distributed table has none.
    if (/\bINDEX\b/.test(change!)) return [local];
    return [local, `ALTER TABLE ${name} ON CLUSTER ${cluster} ${change}`];
  }
  const m = CREATE_TABLE.exec(statement.trim());
  if (!m) return [statement];
  const [, name, columns, engine, args, rest] = m;
  const shardKey = SHARD_KEYS[name!];
  if (!shardKey) throw new Error(`no shard key declared for table ${name}`);
  const replicated = `Replicated${engine}('/clickhouse/tables/{shard}/{database}/${name}', '{replica}'${args ? `, ${args}` : ''})`;
  return [
    `CREATE TABLE IF NOT EXISTS ${name}_local ON CLUSTER ${cluster} (${columns}) ENGINE = ${replicated}${rest}`,
    `CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER ${cluster} AS ${name}_local ENGINE = Distributed('${cluster}', currentDatabase(), '${name}_local', ${shardKey})`,
  ];
}

export async function appliedVersions(client: ClickHouseClient, cluster?: string): Promise<number[]> {
  // On a cluster the record is one replicated table shared by every node (a single shard path).
  await client.command({
    query: cluster
      ? `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER ${cluster} (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{replica}') ORDER BY version`
      : `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const rows = await queryRows<{ version: number }>(client, 'SELECT version FROM schema_migrations FINAL ORDER BY version');
  return rows.map((r) => Number(r.version));
}

/** Applies the pending migrations; returns the versions applied now. */
export async function migrate(client: ClickHouseClient, migrations: readonly Migration[] = MIGRATIONS, cluster?: string): Promise<number[]> {
  const done = new Set(await appliedVersions(client, cluster));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) {
      for (const query of cluster ? clusterStatements(statement, cluster) : [statement]) await client.command({ query });
    }
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
    applied.push(m.version);
  }
  return applied;
}
