// CSV and XLSX downloads: the reply (an attachment, recorded in the audit log as an export), the
// `format` parameter of the lists that offer them, and their OpenAPI content types.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../metrics/spreadsheet.js';
import type { SheetFormat } from '../quality/worklist-sheets.js';
import { recordExport } from './access.js';
import { withColumnar } from './columnar-reply.js';
import type { Runtime } from '../runtime.js';

export const csvBody = z.string().describe('UTF-8 with a BOM, Chinese headers first');
export const xlsxBody = z.string().meta({ format: 'binary' });

/** A worklist's formats: the paged JSON, or every row as a spreadsheet or a columnar file. */
export const listFormatParam = z
  .enum(['json', 'csv', 'xlsx', 'arrow', 'parquet'])
  .default('json')
  .describe(
    'json (paged); csv: UTF-8 with BOM, Chinese headers (opens in Excel); xlsx: one sheet with filter buttons; arrow: Arrow IPC stream; parquet: a Parquet file. Every format but json lists every row (no paging)',
  );

/** The 200 response of a list that answers JSON, CSV, XLSX, Arrow and Parquet. */
export function withDownloads<T extends z.ZodType>(description: string, json: T) {
  const columnar = withColumnar(description, json);
  return { ...columnar, content: { ...columnar.content, 'text/csv': { schema: csvBody }, [XLSX_CONTENT_TYPE]: { schema: xlsxBody.describe('XLSX workbook') } } };
}

/**
 * A CSV or XLSX attachment. Fastify sends a string or a Buffer with a non-JSON content type as it
 * is, without the serializer; the route's typed reply only knows the JSON form, hence the plain reply.
 */
export function sendDownload(reply: FastifyReply, contentType: string, file: string, body: string | Buffer): FastifyReply {
  return reply.type(contentType).header('content-disposition', `attachment; filename="${file}"`).send(body);
}

/** A spreadsheet download of a list of people (masked): recorded as an export, then sent. */
export async function sendSheet(runtime: Runtime, request: FastifyRequest, reply: FastifyReply, format: SheetFormat, name: string, body: string | Buffer): Promise<FastifyReply> {
  const file = `${name}.${format}`;
  await recordExport(runtime, request, file);
  return sendDownload(reply, format === 'csv' ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE, file, body);
}
