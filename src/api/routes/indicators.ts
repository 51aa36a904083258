// GET /v1/indicators (the catalogue) and GET /v1/indicators/{id} (an indicator per group with the total).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateIndicator } from '../../metrics/evaluate.js';
import { filterSchema } from '../../metrics/indicator-schema.js';
import type { Runtime } from '../../runtime.js';
import { findIndicator, resolveGroupedRegion, resolvePeriod } from '../params.js';
import { byParam, errorResponse, indicatorRowSchema, periodQuery, periodSchema, regionSchema } from '../schemas.js';


const catalogueEntry = z.object({
  id: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  subject: z.string(),
  formula_zh: z.string(),
  numerator: z.object({ description: z.string(), filters: z.array(filterSchema) }),
  denominator: z.object({ description: z.string(), filters: z.array(filterSchema).optional(), population: z.string().optional() }),
  where: z.array(filterSchema),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  target: z.number().nullable(),
  source: z.string(),
  changed_in_v2: z.string().describe('what changed from definitions v1, empty when nothing'),
});

export const indicatorRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  app.get(
    '/v1/indicators',
    { schema: { tags: ['indicators'], summary: 'The indicator catalogue', response: { 200: z.object({ indicators: z.array(catalogueEntry) }) } } },
    async () => ({ indicators: [...runtime.catalogue] }),
  );

  app.get(
    '/v1/indicators/:id',
    {
      schema: {
        tags: ['indicators'],
        summary: 'An indicator per street/town, community or institution, with the region total',
        params: z.object({ id: z.string() }),
        querystring: periodQuery,
        response: {
          200: z.object({
            indicator: z.string(),
            name_zh: z.string(),
            name_en: z.string(),
            period: periodSchema,
            region: regionSchema,
            by: byParam,
            rows: z.array(indicatorRowSchema),
            total: indicatorRowSchema,
          }),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const indicator = findIndicator(runtime.catalogue, request.params.id);
      const q = request.query;
      const region = resolveGroupedRegion(reference, q.region, q.by);
      return evaluateIndicator(client, reference, indicator, { period: resolvePeriod(q.year, q.as_of), region, by: q.by, ...(runtime.state ? { state: runtime.state } : {}) });
    },
  );

};
