// GET /v1/followups/overdue: people under management whose next follow-up is past due, masked.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listOverdue, overdueColumnar } from '../../quality/overdue.js';
import { overdueSheet, sheetDownload } from '../../quality/worklist-sheets.js';
import type { Runtime } from '../../runtime.js';
import { PROGRAMS } from '../../transform/event-schema.js';
import { principal } from '../access.js';
import { sendColumnar } from '../columnar-reply.js';
import { listFormatParam, sendSheet, withDownloads } from '../download-reply.js';
import { kindOrList, listParam, resolvePeriod } from '../params.js';
import { dateParam, errorResponse, pageParam, pageSizeParam, regionParam } from '../schemas.js';
import { scopedInstitution, scopedRegion } from '../scope.js';

/** A download lists every row; this bounds one answer (an XLSX sheet holds 1,048,576 rows). */
const EXPORT_MAX_ROWS = 1_000_000;

export const followupRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  app.get(
    '/v1/followups/overdue',
    {
      config: { access: 'lists:read' },
      schema: {
        tags: ['quality'],
        summary: 'People under management whose next follow-up is past due (masked)',
        querystring: z.object({
          program: kindOrList.describe(`one or more of ${PROGRAMS.join(', ')}; default all`),
          region: regionParam.optional(),
          institution: z.string().max(32).optional().describe('the holding institution; an institution user always gets theirs'),
          as_of: dateParam.optional().describe('default: today'),
          page: pageParam,
          page_size: pageSizeParam,
          format: listFormatParam,
        }),
        response: {
          200: withDownloads(`the overdue list, masked: JSON (paged), or every row (at most ${EXPORT_MAX_ROWS}) as CSV, XLSX, or Arrow IPC stream or Parquet written by ClickHouse`, z.object({
            as_of: z.string(),
            total: z.number().int(),
            page: z.number().int(),
            page_size: z.number().int(),
            rows: z.array(
              z.object({
                program: z.string(),
                person_ref: z.string().describe('pseudonymous reference for POST /v1/people/reveal'),
                id_masked: z.string(),
                name_masked: z.string(),
                institution_code: z.string(),
                division_code: z.string(),
                last_followup_on: z.string().nullable(),
                due_on: z.string(),
                days_overdue: z.number().int(),
              }),
            ),
          })),
          400: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const programs = listParam('program', PROGRAMS, q.program) as (typeof PROGRAMS)[number][];
      const period = resolvePeriod(q.as_of ? Number(q.as_of.slice(0, 4)) : undefined, q.as_of);
      const who = principal(request);
      const institution = scopedInstitution(who, q.institution);
      const region = scopedRegion(who, reference, q.region);
      const query = { period, region, ...(institution ? { institution } : {}), programs, ...(runtime.state ? { state: runtime.state } : {}) };
      const file = `followups-overdue-${region.code}-${period.evalDate}`;
      if (q.format === 'csv' || q.format === 'xlsx') {
        // The rows of the JSON list (one masking), every page of them.
        const { rows } = await listOverdue(client, reference, { ...query, page: 1, pageSize: EXPORT_MAX_ROWS });
        return sendSheet(runtime, request, reply, q.format, file, await sheetDownload(overdueSheet(reference, rows), q.format));
      }
      if (q.format !== 'json') {
        const body = await overdueColumnar(client, reference, query, q.format);
        return sendColumnar(runtime, request, reply, q.format, file, body);
      }
      const result = await listOverdue(client, reference, { ...query, page: q.page, pageSize: q.page_size });
      return { as_of: period.evalDate, page: q.page, page_size: q.page_size, ...result };
    },
  );
};
