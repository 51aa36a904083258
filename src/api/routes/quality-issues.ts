// GET /v1/quality/issues: the masked quality worklist for supervisors.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ISSUE_KIND_IDS, ISSUE_KINDS } from '../../quality/issue-kinds.js';
import { listIssues } from '../../quality/issues.js';
import { issueSheet, sheetDownload } from '../../quality/worklist-sheets.js';
import type { Runtime } from '../../runtime.js';
import { type Column, rowsToColumnar } from '../../store/columnar.js';
import { principal } from '../access.js';
import { sendColumnar } from '../columnar-reply.js';
import { listFormatParam, sendSheet, withDownloads } from '../download-reply.js';
import { invalidParameter } from '../errors.js';
import { kindOrList, listParam, resolvePeriod } from '../params.js';
import { dateParam, errorResponse, pageParam, pageSizeParam, regionParam, yearParam } from '../schemas.js';
import { scopedInstitution, scopedRegion } from '../scope.js';

/** The worklist's rows in a columnar export, dates as dates. */
const ISSUE_COLUMNS: readonly Column[] = [
  ...['kind', 'label_zh', 'person_ref', 'id_masked', 'name_masked', 'institution_code', 'division_code', 'archive_no', 'detail'].map((name): Column => ({ name, type: 'String' })),
  { name: 'on_date', type: 'Date', nullable: true },
];

/** A download lists every row; this bounds one answer (a county's worklist is far smaller; an XLSX sheet holds 1,048,576 rows). */
const EXPORT_MAX_ROWS = 1_000_000;

export const qualityIssueRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  app.get(
    '/v1/quality/issues',
    {
      config: { access: 'lists:read' },
      schema: {
        tags: ['quality'],
        summary: 'Worklist of records with problems (masked), with counts per kind',
        querystring: z.object({
          year: yearParam.optional(),
          as_of: dateParam.optional(),
          region: regionParam.optional(),
          institution: z.string().optional(),
          kind: kindOrList.describe(`one or more of ${ISSUE_KIND_IDS.join(', ')}`),
          stale_days: z.coerce.number().int().min(1).max(365).default(7),
          page: pageParam,
          page_size: pageSizeParam,
          format: listFormatParam,
        }),
        response: {
          200: withDownloads(`the worklist, masked: JSON (paged), or every row (at most ${EXPORT_MAX_ROWS}) as CSV, XLSX, Arrow IPC stream or Parquet`, z.object({
            kinds: z.array(z.object({ kind: z.string(), label_zh: z.string(), label_en: z.string() })),
            total: z.number().int(),
            counts_by_kind: z.record(z.string(), z.number().int()),
            page: z.number().int(),
            page_size: z.number().int(),
            rows: z.array(
              z.object({
                kind: z.string(),
                label_zh: z.string(),
                person_ref: z.string().describe('pseudonymous reference for POST /v1/people/reveal; empty for an institution-level issue'),
                id_masked: z.string(),
                name_masked: z.string(),
                institution_code: z.string(),
                division_code: z.string(),
                archive_no: z.string(),
                detail: z.string(),
                on_date: z.string().nullable(),
              }),
            ),
          })),
          400: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const kinds = listParam('kind', ISSUE_KIND_IDS, q.kind);
      const who = principal(request);
      const institution = scopedInstitution(who, q.institution);
      if (q.institution && !reference.institutions.has(q.institution)) throw invalidParameter('institution', `${q.institution} is not an institution of the reference data`);
      const period = resolvePeriod(q.year, q.as_of);
      const region = scopedRegion(who, reference, q.region);
      const everyRow = q.format !== 'json';
      const result = await listIssues(client, reference, runtime.catalogue, {
        period,
        region,
        ...(institution ? { institution } : {}),
        kinds,
        page: everyRow ? 1 : q.page,
        pageSize: everyRow ? EXPORT_MAX_ROWS : q.page_size,
        staleDays: q.stale_days,
        ...(runtime.state ? { state: runtime.state } : {}),
      });
      const file = `quality-issues-${region.code}-${period.evalDate}`;
      if (q.format === 'csv' || q.format === 'xlsx') return sendSheet(runtime, request, reply, q.format, file, await sheetDownload(issueSheet(reference, result.rows), q.format));
      if (q.format !== 'json') {
        // Not straight from ClickHouse: archive numbers and details are masked in JS after the
        // query (redactFreeText, the one masking implementation), so the rows are written from JS.
        const body = await rowsToColumnar(client, q.format, ISSUE_COLUMNS, result.rows);
        return sendColumnar(runtime, request, reply, q.format, file, body);
      }
      return { kinds: ISSUE_KINDS.map(({ kind, label_zh, label_en }) => ({ kind, label_zh, label_en })), page: q.page, page_size: q.page_size, ...result };
    },
  );
};
