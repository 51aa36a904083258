// The one module that owns the ClickHouse client: embedded chDB by default, HTTP to a server
// when configured. Same SQL and schema in both modes. Format settings are explicit here.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import type { Session } from 'chdb';
import type { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config/config.js';

export type { ClickHouseClient };

/**
 * One insert of rows already encoded in a text format. Embedded, the bytes go to chDB's own
 * parser as they are (the client's insert would decode them to a JS string and copy them twice
 * on the main thread); over HTTP they are the request body.
 */
export type InsertBytes = (insert: { table: string; columns: readonly string[]; format: 'TabSeparated'; body: Uint8Array; settings?: Record<string, string | number> }) => Promise<void>;

export interface Store {
  readonly client: ClickHouseClient;
  readonly insertBytes: InsertBytes;
  readonly mode: 'embedded' | 'server';
  readonly database: string;
  /** the cluster when tables are replicated and distributed (HAP_CLICKHOUSE_CLUSTER) */
  readonly cluster?: string;
  close(): Promise<void>;
}

/**
 * The embedded data directory is held by another process (a running `hap serve`): chDB takes a
 * lock on `<dir>/status`. A value the command decides about (send through the server, or say so).
 */
export class StoreLockedError extends Error {
  readonly code = 'store_locked';
  constructor(readonly path: string, options?: { cause?: unknown }) {
    super(`the embedded store ${path} is held by another process (a running hap serve)`, options);
    this.name = 'StoreLockedError';
  }
}

/**
 * The process holding an embedded data directory, if another one does. The engine writes its PID
 * to `<dir>/status` and holds a lock on it while it runs; it removes the file when it stops, and a
 * file left by a crash names a process that is gone. Checked before connecting: chDB's refusal
 * says only "Failed to create connection" (the lock is printed to stderr by the engine).
 */
export function storeHolder(path: string, self = process.pid): number | null {
  let text: string;
  try {
    text = readFileSync(join(path, 'status'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === self) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but is another user's; ESRCH: gone.
    return (error as { code?: string }).code === 'EPERM' ? pid : null;
  }
}

function settings(maxMemoryBytes: number): ClickHouseSettings {
  return {
    // 64-bit integers come back as strings in JSON formats; say so explicitly, parse at the boundary.
    output_format_json_quote_64bit_integers: 1,
    max_memory_usage: String(maxMemoryBytes),
    // FINAL on ReplacingMergeTree reads stays per-partition.
    do_not_merge_across_partitions_select_final: 1,
  };
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/**
 * chdb ships its own copy of @clickhouse/client-common's types; the runtime contract is the
 * same (chdb tests it against the client), only the nominal types differ.
 */
// Loaded only when the embedded engine is opened: modules that merely use the client's helpers
// (the normaliser threads import the writers) must not load the engine's native library, whose
// teardown in a terminated thread blocks on the process-wide engine.
async function chdbConnection(path: string): Promise<ReturnType<typeof createChdbConnection>> {
  const { createChdbConnection: create } = await import('chdb/connection');
  return create({ path });
}

/**
 * The first session on the data directory starts the process's one engine, with the arguments
 * it gets; createChdbConnection passes none. BACKUP and RESTORE refuse any place outside
 * `backups.allowed_path` (code 318), which is server configuration, not a setting: it has to be
 * given here. Backups are issued by this code only (`hap backup`, POST /v1/admin/backup), to a
 * directory the operator names, so every absolute path is allowed.
 */
export const ENGINE_ARGS = ['--backups.allowed_path=/'] as const;

async function openEngine(path: string): Promise<{ session: Session; connection: Awaited<ReturnType<typeof chdbConnection>> }> {
  if (storeHolder(path) !== null) throw new StoreLockedError(path);
  const { Session: EngineSession } = await import('chdb');
  let session: Session | undefined;
  try {
    session = new EngineSession(path, { connectionArgs: ENGINE_ARGS });
    return { session, connection: await chdbConnection(path) };
  } catch (error) {
    session?.close();
    // Taken between the check and the connection.
    if ((error as { code?: unknown }).code === 'CHDB_CONNECTION' && storeHolder(path) !== null) throw new StoreLockedError(path, { cause: error });
    throw error;
  }
}

function clientInsertBytes(client: ClickHouseClient): InsertBytes {
  return async ({ table, columns, format, body, settings }) => {
    await client.insert({
      table,
      values: Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)], { objectMode: false }),
      format,
      columns: [...columns] as [string, ...string[]],
      ...(settings ? { clickhouse_settings: settings } : {}),
    });
  };
}

export async function openStore(config: Config): Promise<Store> {
  const ch = config.clickhouse;
  const base = { clickhouse_settings: settings(ch.maxMemoryBytes) };
  let bootstrap: ClickHouseClient;
  let embedded: Awaited<ReturnType<typeof chdbConnection>> | undefined;
  let engine: Session | undefined;
  if (ch.mode === 'embedded') {
    mkdirSync(ch.path, { recursive: true });
    // chDB binds one data directory per process; every client here shares that engine.
    const opened = await openEngine(ch.path);
    engine = opened.session;
    embedded = opened.connection;
    bootstrap = createClient({ ...base, connection: embedded as unknown as ClientConnection });
  } else {
    bootstrap = createClient({ ...base, url: ch.url, username: ch.username, password: ch.password });
  }
  const onCluster = ch.mode === 'server' && ch.cluster ? ` ON CLUSTER ${ch.cluster}` : '';
  await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${ch.database}${onCluster}` });
  let client = bootstrap;
  if (ch.mode === 'server') {
    await bootstrap.close();
    // On a cluster an insert is acknowledged only once the shards have the rows (offsets are
    // committed on that acknowledgement), not when they are queued for background sending.
    const clusterSettings: ClickHouseSettings = ch.cluster ? { insert_distributed_sync: 1 as const } : {};
    client = createClient({
      ...base,
      clickhouse_settings: { ...base.clickhouse_settings, ...clusterSettings },
      url: ch.url,
      username: ch.username,
      password: ch.password,
      database: ch.database,
    });
  } else {
    await bootstrap.command({ query: `USE ${ch.database}` });
  }
  const raw = embedded?.chdb;
  const insertBytes: InsertBytes = raw
    ? async ({ table, columns, format, body, settings }) => {
        // The client's settings do not reach chDB's raw insert: the memory limit goes with each insert.
        await raw.rawInsert({ table: `${ch.database}.${table}`, columns, format, values: body, settings: { max_memory_usage: ch.maxMemoryBytes, ...settings } });
      }
    : clientInsertBytes(client);
  return { client, insertBytes, mode: ch.mode, database: ch.database, ...(ch.mode === 'server' && ch.cluster ? { cluster: ch.cluster } : {}), close: async () => {
      await client.close();
      engine?.close();
    },
  };
}

/**
 * A lightweight DELETE. On a cluster it goes to the shards' local tables (a Distributed table
 * takes no DELETE). `table` comes from the code, never from input.
 */
export async function deleteRows(store: Pick<Store, 'client' | 'cluster'>, table: string, where: string, params: Record<string, unknown>): Promise<void> {
  const target = store.cluster ? `${table}_local ON CLUSTER ${store.cluster}` : table;
  await store.client.command({ query: `DELETE FROM ${target} WHERE ${where}`, query_params: params });
}

/** Runs a query and returns its rows as plain objects (JSONEachRow). */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}
