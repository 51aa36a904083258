// GET /v1/quality/issues and GET /v1/followups/overdue: masked worklists for supervisors.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ISSUE_KIND_IDS, ISSUE_KINDS } from '../../quality/issue-kinds.js';
import { listIssues } from '../../quality/issues.js';
import { listOverdue } from '../../quality/overdue.js';
import type { Runtime } from '../../runtime.js';
import { PROGRAMS } from '../../transform/event-schema.js';
import { invalidParameter } from '../errors.js';
import { resolvePeriod, resolveRegion } from '../params.js';
import { dateParam, errorResponse, pageParam, pageSizeParam, regionParam, yearParam } from '../schemas.js';

/** `a,b` or repeated `?kind=a&kind=b` → a list, each checked against the allowed values. */
function listParam(name: string, allowed: readonly string[], value: string | string[] | undefined): string[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const v of list) if (!allowed.includes(v)) throw invalidParameter(name, `${v} is not one of ${allowed.join(', ')}`);
  return list;
}

const kindOrList = z.union([z.string(), z.array(z.string())]).optional();

export const qualityIssueRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  app.get(
    '/v1/quality/issues',
    {
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
        }),
        response: {
          200: z.object({
            kinds: z.array(z.object({ kind: z.string(), label_zh: z.string(), label_en: z.string() })),
            total: z.number().int(),
            counts_by_kind: z.record(z.string(), z.number().int()),
            page: z.number().int(),
            page_size: z.number().int(),
            rows: z.array(
              z.object({
                kind: z.string(),
                label_zh: z.string(),
                id_masked: z.string(),
                name_masked: z.string(),
                institution_code: z.string(),
                division_code: z.string(),
                archive_no: z.string(),
                detail: z.string(),
                on_date: z.string().nullable(),
              }),
            ),
          }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const kinds = listParam('kind', ISSUE_KIND_IDS, q.kind);
      if (q.institution && !reference.institutions.has(q.institution)) throw invalidParameter('institution', `${q.institution} is not an institution of the reference data`);
      const result = await listIssues(client, reference, runtime.catalogue, {
        period: resolvePeriod(q.year, q.as_of),
        region: resolveRegion(reference, q.region),
        ...(q.institution ? { institution: q.institution } : {}),
        kinds,
        page: q.page,
        pageSize: q.page_size,
        staleDays: q.stale_days,
        ...(runtime.state ? { state: runtime.state } : {}),
      });
      return { kinds: ISSUE_KINDS.map(({ kind, label_zh, label_en }) => ({ kind, label_zh, label_en })), page: q.page, page_size: q.page_size, ...result };
    },
  );

  app.get(
    '/v1/followups/overdue',
    {
      schema: {
        tags: ['quality'],
        summary: 'People under management whose next follow-up is past due (masked)',
        querystring: z.object({
          program: kindOrList.describe(`one or more of ${PROGRAMS.join(', ')}; default all`),
          region: regionParam.optional(),
          as_of: dateParam.optional().describe('default: today'),
          page: pageParam,
          page_size: pageSizeParam,
        }),
        response: {
          200: z.object({
            as_of: z.string(),
            total: z.number().int(),
            page: z.number().int(),
            page_size: z.number().int(),
            rows: z.array(
              z.object({
                program: z.string(),
                id_masked: z.string(),
                name_masked: z.string(),
                institution_code: z.string(),
                division_code: z.string(),
                last_followup_on: z.string().nullable(),
                due_on: z.string(),
                days_overdue: z.number().int(),
              }),
            ),
          }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const programs = listParam('program', PROGRAMS, q.program) as (typeof PROGRAMS)[number][];
      const period = resolvePeriod(q.as_of ? Number(q.as_of.slice(0, 4)) : undefined, q.as_of);
      const result = await listOverdue(client, reference, { period, region: resolveRegion(reference, q.region), programs, page: q.page, pageSize: q.page_size });
      return { as_of: period.evalDate, page: q.page, page_size: q.page_size, ...result };
    },
  );
};
