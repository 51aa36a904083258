// GET /v1/quality/completeness: per-field missing counts and rates over active archives.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CompletenessRow, completeness } from '../../metrics/completeness.js';
import type { Runtime } from '../../runtime.js';
import { principal } from '../access.js';
import { resolvePeriod } from '../params.js';
import { byParam, errorResponse, periodQuery, periodSchema, regionSchema } from '../schemas.js';
import { restrictToInstitution, scopedGroupedRegion } from '../scope.js';

export const qualityCompletenessRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  const fieldSchema = z.object({
    field: z.string(),
    label_zh: z.string(),
    required: z.number().int(),
    missing: z.number().int(),
    missing_rate: z.number().nullable(),
  });
  const completenessRow = z.object({
    code: z.string(),
    name: z.string(),
    archives: z.number().int(),
    complete: z.number().int(),
    complete_rate: z.number().nullable(),
    fields: z.array(fieldSchema),
  });
  app.get(
    '/v1/quality/completeness',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['quality'],
        summary: 'Per-field missing counts and rates over active archives, and the share with no basic field missing',
        querystring: periodQuery,
        response: {
          200: z.object({ period: periodSchema, region: regionSchema, by: byParam, rows: z.array(completenessRow), total: completenessRow }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const who = principal(request);
      const region = scopedGroupedRegion(who, reference, q.region, q.by);
      const period = resolvePeriod(q.year, q.as_of);
      const all = await completeness(client, reference, { period, region, by: q.by, ...(runtime.state ? { state: runtime.state } : {}) });
      const result = restrictToInstitution(who, all, (code): CompletenessRow => ({ code, name: reference.institutions.get(code)?.name ?? code, archives: 0, complete: 0, complete_rate: null, fields: [] }));
      return {
        period: { year: period.year, evaluation_date: period.evalDate, as_of: period.asOf },
        region: { code: region.code, name: region.name, level: region.level },
        by: q.by,
        ...result,
      };
    },
  );
};
