// The one module that owns the ClickHouse client: embedded chDB by default, HTTP to a server
// when configured. Same SQL and schema in both modes. Format settings are explicit here.
import { mkdirSync } from 'node:fs';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config/config.js';

export type { ClickHouseClient };

export interface Store {
  readonly client: ClickHouseClient;
  readonly mode: 'embedded' | 'server';
  readonly database: string;
  close(): Promise<void>;
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
function chdbConnection(path: string): ClientConnection {
  return createChdbConnection({ path }) as unknown as ClientConnection;
}

export async function openStore(config: Config): Promise<Store> {
  const ch = config.clickhouse;
  const base = { clickhouse_settings: settings(ch.maxMemoryBytes) };
  let bootstrap: ClickHouseClient;
  if (ch.mode === 'embedded') {
    mkdirSync(ch.path, { recursive: true });
    // chDB binds one data directory per process; every client here shares that engine.
    bootstrap = createClient({ ...base, connection: chdbConnection(ch.path) });
  } else {
    bootstrap = createClient({ ...base, url: ch.url, username: ch.username, password: ch.password });
  }
  await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${ch.database}` });
  let client = bootstrap;
  if (ch.mode === 'server') {
    await bootstrap.close();
    client = createClient({ ...base, url: ch.url, username: ch.username, password: ch.password, database: ch.database });
  } else {
    await bootstrap.command({ query: `USE ${ch.database}` });
  }
  return { client, mode: ch.mode, database: ch.database, close: () => client.close() };
}

/** Runs a query and returns its rows as plain objects (JSONEachRow). */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}
