// The indicator catalogue, indicator values and per-field completeness.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { completeness } from '../../metrics/completeness.js';
import { evaluateIndicator } from '../../metrics/evaluate.js';
import { filterSchema } from '../../metrics/indicator-schema.js';
import type { Runtime } from '../../runtime.js';
import { findIndicator, resolveGroupedRegion, resolvePeriod } from '../params.js';
import { byParam, dateParam, errorResponse, indicatorRowSchema, regionParam, yearParam } from '../schemas.js';

const periodQuery = z.object({
  year: yearParam.optional().describe('default: the current year'),
  region: regionParam.optional().describe('county, street/town or community code; default: the configured county'),
  by: byParam.default('street'),
  as_of: dateParam.optional().describe('values as known on that date: evaluation date and received-by cut-off'),
});

const periodSchema = z.object({ year: z.number().int(), evaluation_date: z.string(), as_of: z.string().nullable() });
const regionSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });

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
      const region = resolveGroupedRegion(reference, q.region, q.by);
      const period = resolvePeriod(q.year, q.as_of);
      const result = await completeness(client, reference, { period, region, by: q.by, ...(runtime.state ? { state: runtime.state } : {}) });
      return {
        period: { year: period.year, evaluation_date: period.evalDate, as_of: period.asOf },
        region: { code: region.code, name: region.name, level: region.level },
        by: q.by,
        ...result,
      };
    },
  );
};
