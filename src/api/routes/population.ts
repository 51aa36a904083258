// Denominators per year, given at community or street level (also `hap population import`).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReferenceData } from '../../reference/reference-data.js';
import type { Runtime } from '../../runtime.js';
import { type PopulationRow, readPopulation, replacePopulation } from '../../store/population-store.js';
import { principal } from '../access.js';
import { ApiError } from '../errors.js';
import { parsePopulationCsv, populationRowSchema } from '../population-rows.js';
import { errorResponse, yearParam } from '../schemas.js';
import { divisionVisible } from '../scope.js';

export { populationRowSchema };

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

/** The rows of a text/csv body (the columns of `hap population import`); every row must be of `year`. */
function rowsFromCsv(text: string, year: number): PopulationRow[] {
  const { byYear, problems } = parsePopulationCsv(text);
  for (const other of byYear.keys()) if (other !== year) problems.push(`year ${other} in a body for ${year}: send one year per request`);
  if (problems.length > 0) throw new ApiError('invalid_body', problems.join('; '), { problems });
  return byYear.get(year) ?? [];
}

export const populationRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  // CSV bodies are read as text in this plugin only.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const rowsSchema = z.array(populationRowSchema);
  app.put(
    '/v1/population/:year',
    {
      config: { access: 'population:write' },
      schema: {
        tags: ['reference'],
        summary: 'Replace the population denominators of a year (JSON rows, or text/csv with columns year,division_code,group,count)',
        params: z.object({ year: yearParam }),
        body: z.union([z.object({ rows: rowsSchema }), rowsSchema, z.string().describe('text/csv: year,division_code,group,count')]),
        response: { 200: z.object({ year: z.number().int(), rows: z.number().int() }), 400: errorResponse },
      },
    },
    async (request) => {
      const body = request.body;
      const rows = typeof body === 'string' ? rowsFromCsv(body, request.params.year) : Array.isArray(body) ? body : body.rows;
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
