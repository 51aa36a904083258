// Analyst exports as Arrow IPC streams and Parquet files. Rows that come straight from a query
// are written by ClickHouse itself (FORMAT ArrowStream / Parquet); rows assembled in JS (names,
// targets, masked text) are written with apache-arrow's tableToIPC, or, for Parquet (no writer in
// JS here), handed back to ClickHouse as JSONEachRow with a declared structure and written by it.
import type { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { Bool, type DataType, DateDay, Float64, Int32, tableToIPC, Table, Utf8, vectorFromArray } from 'apache-arrow';

export type ColumnarFormat = 'arrow' | 'parquet';

export const COLUMNAR_CONTENT_TYPES: Readonly<Record<ColumnarFormat, string>> = {
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

export const COLUMNAR_EXTENSIONS: Readonly<Record<ColumnarFormat, string>> = { arrow: 'arrows', parquet: 'parquet' };

const CLICKHOUSE_FORMAT: Readonly<Record<ColumnarFormat, string>> = { arrow: 'ArrowStream', parquet: 'Parquet' };

// Uncompressed Arrow: apache-arrow (JS) ships no LZ4/ZSTD codec and reads no compressed batch.
// Strings as UTF-8 strings, not binary, so readers show text.
const OUTPUT_SETTINGS: ClickHouseSettings = {
  output_format_arrow_compression_method: 'none',
  output_format_arrow_string_as_string: 1,
  output_format_parquet_string_as_string: 1,
};

/**
 * A query's rows in a binary format, as the bytes ClickHouse wrote. `exec`, not `query`: the
 * client's ResultSet.stream() splits its input on newlines (a row format), which would cut a
 * binary answer apart; exec hands the body over untouched (over HTTP and from chDB alike).
 */
export async function queryColumnar(client: ClickHouseClient, sql: string, params: Record<string, unknown>, format: ColumnarFormat): Promise<Readable> {
  const result = await client.exec({ query: `${sql}\nFORMAT ${CLICKHOUSE_FORMAT[format]}`, query_params: params, clickhouse_settings: OUTPUT_SETTINGS });
  return result.stream;
}

export type ColumnType = 'String' | 'Int32' | 'Float64' | 'Bool' | 'Date';

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

type Cell = string | number | boolean | null;
/** A row: read by the columns' names (an interface of the domain, no index signature needed). */
type Row = object;
const cell = (row: Row, name: string): Cell => ((row as Record<string, Cell | undefined>)[name] ?? null);

const arrowType = (type: ColumnType): DataType => {
  switch (type) {
    case 'String': return new Utf8();
    case 'Int32': return new Int32();
    case 'Float64': return new Float64();
    case 'Bool': return new Bool();
    case 'Date': return new DateDay();
  }
};

const clickhouseType = (c: Column) => (c.nullable ? `Nullable(${c.type === 'Date' ? 'Date32' : c.type})` : c.type === 'Date' ? 'Date32' : c.type);

/** JS rows as an Arrow IPC stream; `metadata` goes into the schema (e.g. an assessment's provenance). */
export function rowsToArrow(columns: readonly Column[], rows: readonly Row[], metadata: Record<string, string> = {}): Uint8Array {
  const vectors = Object.fromEntries(columns.map((c) => {
    const values = rows.map((r) => {
      const v = cell(r, c.name);
      // A date 'YYYY-MM-DD' is a calendar date: midnight UTC of that day.
      return c.type === 'Date' && typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v;
    });
    return [c.name, vectorFromArray(values, arrowType(c.type))];
  }));
  const table = new Table(vectors);
  for (const [key, value] of Object.entries(metadata)) table.schema.metadata.set(key, value);
  return tableToIPC(table, 'stream');
}

/** JS rows written as Parquet by ClickHouse, from JSONEachRow with the declared structure. */
export async function rowsToParquet(client: ClickHouseClient, columns: readonly Column[], rows: readonly Row[]): Promise<Readable> {
  const structure = columns.map((c) => `${c.name} ${clickhouseType(c)}`).join(', ');
  const names = columns.map((c) => c.name);
  const body = rows.map((r) => JSON.stringify(Object.fromEntries(names.map((n) => [n, cell(r, n)])))).join('\n');
  return queryColumnar(client, 'SELECT * FROM format(JSONEachRow, {structure:String}, {rows:String})', { structure, rows: body }, 'parquet');
}

/** Arrow from tableToIPC, Parquet through ClickHouse: the two paths for rows assembled in JS. */
export async function rowsToColumnar(client: ClickHouseClient, format: ColumnarFormat, columns: readonly Column[], rows: readonly Row[], metadata?: Record<string, string>): Promise<Buffer | Readable> {
  if (format === 'arrow') {
    const bytes = rowsToArrow(columns, rows, metadata);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return rowsToParquet(client, columns, rows);
}
