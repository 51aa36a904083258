// format=arrow|parquet on list and figure routes: the query parameter, the OpenAPI content types,
// and the reply (an attachment, recorded in the audit log like the CSV and XLSX downloads).
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { COLUMNAR_CONTENT_TYPES, COLUMNAR_EXTENSIONS, type ColumnarFormat } from '../store/columnar.js';
import { recordExport } from './access.js';
import type { ClickHouseClient } from '@clickhouse/client';

export const formatParam = z.enum(['json', 'arrow', 'parquet']).default('json')
  .describe('json; arrow: Arrow IPC stream (application/vnd.apache.arrow.stream); parquet: a Parquet file. The columnar formats list every row (no paging)');

const binary = z.string().meta({ format: 'binary' });

/** The 200 response of a route that also answers Arrow and Parquet. */
export function withColumnar<T extends z.ZodType>(description: string, json: T) {
  return {
    description,
    content: {
      'application/json': { schema: json },
      [COLUMNAR_CONTENT_TYPES.arrow]: { schema: binary.describe('Arrow IPC stream') },
      [COLUMNAR_CONTENT_TYPES.parquet]: { schema: binary.describe('Parquet file') },
    },
  };
}

export async function sendColumnar(
  runtime: { store: { client: ClickHouseClient } },
  request: FastifyRequest,
  reply: FastifyReply,
  format: ColumnarFormat,
  name: string,
  body: Buffer | Readable,
): Promise<FastifyReply> {
  const file = `${name}.${COLUMNAR_EXTENSIONS[format]}`;
  await recordExport(runtime, request, file);
  return reply.type(COLUMNAR_CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${file}"`).send(body);
}
