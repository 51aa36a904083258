// GET /v1/indicators (the catalogue) and GET /v1/indicators/{id} (an indicator per group with the total).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateIndicator, type IndicatorRow } from '../../metrics/evaluate.js';
import { filterSchema } from '../../metrics/indicator-schema.js';
import type { Runtime } from '../../runtime.js';
import { type Column, rowsToColumnar } from '../../store/columnar.js';
import { principal } from '../access.js';
import { formatParam, sendColumnar, withColumnar } from '../columnar-reply.js';
import { findIndicator, resolvePeriod } from '../params.js';
import { byParam, errorResponse, indicatorRowSchema, periodQuery, periodSchema, regionSchema } from '../schemas.js';
import { restrictToInstitution, scopedGroupedRegion } from '../scope.js';

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

/** The columnar export of an indicator: its rows, then the region total (`is_total`). */
const INDICATOR_COLUMNS: readonly Column[] = [
  { name: 'indicator', type: 'String' },
  { name: 'year', type: 'Int32' },
  { name: 'evaluation_date', type: 'Date' },
  { name: 'by', type: 'String' },
  { name: 'code', type: 'String' },
  { name: 'name', type: 'String' },
  { name: 'numerator', type: 'Int32' },
  { name: 'denominator', type: 'Int32' },
  { name: 'rate', type: 'Float64', nullable: true },
  { name: 'target', type: 'Float64', nullable: true },
  { name: 'meets_target', type: 'Bool', nullable: true },
  { name: 'data_problem', type: 'String', nullable: true },
  { name: 'is_total', type: 'Bool' },
];

const indicatorAnswer = z.object({
  indicator: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  period: periodSchema,
  region: regionSchema,
  by: byParam,
  rows: z.array(indicatorRowSchema),
  total: indicatorRowSchema,
});

export const indicatorRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;

  app.get(
    '/v1/indicators',
    { config: { access: 'figures:read' }, schema: { tags: ['indicators'], summary: 'The indicator catalogue', response: { 200: z.object({ indicators: z.array(catalogueEntry) }) } } },
    async () => ({ indicators: [...runtime.catalogue] }),
  );

  app.get(
    '/v1/indicators/:id',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['indicators'],
        summary: 'An indicator per street/town, community or institution, with the region total',
        params: z.object({ id: z.string() }),
        description: 'format=arrow|parquet: the rows and the total (is_total) as one table; Arrow written with apache-arrow, Parquet by ClickHouse from the assembled rows.',
        querystring: periodQuery.extend({ format: formatParam }),
        response: {
          200: withColumnar('the indicator per group with the region total: JSON, Arrow IPC stream or Parquet', indicatorAnswer),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const indicator = findIndicator(runtime.catalogue, request.params.id);
      const q = request.query;
      const who = principal(request);
      const region = scopedGroupedRegion(who, reference, q.region, q.by);
      const result = await evaluateIndicator(client, reference, indicator, { period: resolvePeriod(q.year, q.as_of), region, by: q.by, ...(runtime.state ? { state: runtime.state } : {}) });
      const scoped = restrictToInstitution(who, result, (code): IndicatorRow => ({ ...result.total, code, name: reference.institutions.get(code)?.name ?? code, numerator: 0, denominator: 0, rate: null, meets_target: null, data_problem: null }));
      if (q.format === 'json') return scoped;
      // Assembled in JS (every group of the level, names, population denominators): no query holds these rows.
      const rows = [...scoped.rows.map((r) => ({ ...r, is_total: false })), { ...scoped.total, is_total: true }].map((r) => ({
        ...r, indicator: scoped.indicator, year: scoped.period.year, evaluation_date: scoped.period.evaluation_date, by: scoped.by,
      }));
      const body = await rowsToColumnar(client, q.format, INDICATOR_COLUMNS, rows);
      return sendColumnar(runtime, request, reply, q.format, `${scoped.indicator}-${scoped.region.code}-${scoped.period.year}-${scoped.by}`, body);
    },
  );

};
