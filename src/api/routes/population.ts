// Denominators per year, given at community or street level (also `hap population import`).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principal } from '../access.js';
import { divisionVisible } from '../scope.js';
import { POPULATION_GROUPS } from '../../metrics/indicator-schema.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import type { Runtime } from '../../runtime.js';
import { type PopulationRow, readPopulation, replacePopulation } from '../../store/population-store.js';
import { ApiError } from '../errors.js';
import { errorResponse, yearParam } from '../schemas.js';

export const populationRowSchema = z.object({
  division_code: z.string().regex(/^\d{9}(\d{3})?$/, 'a 9-digit street/town or 12-digit community/village code'),
  group: z.enum(POPULATION_GROUPS),
  count: z.number().int().min(0),
});

/** Rows must name divisions of the configured county, once each per group. */
export function checkPopulationRows(reference: ReferenceData, rows: readonly PopulationRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (!reference.divisions.has(r.division_code)) problems.push(`rows[${i}].division_code: ${r.division_code} is not a division of ${reference.county.code}`);
    const key = `${r.division_code}/${r.group}`;
    if (seen.has(key)) problems.push(`rows[${i}]: ${key} appears twice`);
    seen.add(key);
  });
  return problems;
}

export const populationRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const rowsSchema = z.array(populationRowSchema);
  app.put(
    '/v1/population/:year',
    {
      config: { access: 'population:write' },
      schema: {
        tags: ['reference'],
        summary: 'Replace the population denominators of a year',
        params: z.object({ year: yearParam }),
        body: z.union([z.object({ rows: rowsSchema }), rowsSchema]),
        response: { 200: z.object({ year: z.number().int(), rows: z.number().int() }), 400: errorResponse },
      },
    },
    async (request) => {
      const rows = Array.isArray(request.body) ? request.body : request.body.rows;
      const problems = checkPopulationRows(runtime.reference, rows);
      if (problems.length > 0) throw new ApiError('invalid_body', problems.join('; '), { problems });
      await replacePopulation(runtime.store, request.params.year, rows);
      return { year: request.params.year, rows: rows.length };
    },
  );
  app.get(
    '/v1/population/:year',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['reference'],
        summary: 'The population denominators of a year as given',
        params: z.object({ year: yearParam }),
        response: { 200: z.object({ year: z.number().int(), rows: z.array(populationRowSchema.extend({ group: z.string() })) }), 400: errorResponse },
      },
    },
    async (request) => {
      const who = principal(request);
      const rows = await readPopulation(runtime.store.client, request.params.year);
      return { year: request.params.year, rows: rows.filter((r) => divisionVisible(who, runtime.reference, r.division_code)) };
    },
  );
};
