// GET /v1/reports/assessment (the annual assessment table) and the phone-verification sample.
import { randomInt } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assessmentCsv, assessmentTable, assessmentXlsx } from '../../metrics/assessment.js';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../metrics/spreadsheet.js';
import { drawPhoneSample, phoneSampleCsv, SAMPLE_SERVICE_IDS, type SampleService } from '../../metrics/phone-sample.js';
import type { Runtime } from '../../runtime.js';
import { COLUMNAR_CONTENT_TYPES, type Column, rowsToColumnar } from '../../store/columnar.js';
import { principal, recordExport } from '../access.js';
import { sendColumnar } from '../columnar-reply.js';
import { csvBody, sendDownload, sendSheet, xlsxBody } from '../download-reply.js';
import { ApiError, invalidParameter } from '../errors.js';
import { resolvePeriod } from '../params.js';
import { provenanceSchema } from '../provenance-schema.js';
import { dateParam, errorResponse, indicatorRowSchema, regionParam, yearParam } from '../schemas.js';
import { scopedGroupedRegion, scopedRegion } from '../scope.js';
import { signedAssessment } from '../signed-assessment.js';

const periodSchema = z.object({ year: z.number().int(), evaluation_date: z.string(), as_of: z.string().nullable() });
const regionSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });
const scoredRowSchema = indicatorRowSchema.extend({ score: z.number() });
const groupScoreSchema = z.object({ code: z.string(), name: z.string(), score: z.number() });

const assessmentSchema = z.object({
  period: periodSchema,
  region: regionSchema,
  by: z.enum(['street', 'institution']),
  max_score: z.number(),
  indicators: z.array(
    z.object({
      id: z.string(),
      name_zh: z.string(),
      name_en: z.string(),
      formula_zh: z.string(),
      score_formula_zh: z.string(),
      target: z.number().nullable(),
      weight: z.number(),
      rows: z.array(scoredRowSchema),
      total: scoredRowSchema,
    }),
  ),
  scores: z.object({ rows: z.array(groupScoreSchema), total: groupScoreSchema }),
  provenance: provenanceSchema,
});

const sampleRowSchema = z.object({
  id_masked: z.string(),
  name_masked: z.string(),
  sex: z.number().int().nullable(),
  age: z.number().int().nullable(),
  community_code: z.string(),
  community_name: z.string(),
  institution_code: z.string(),
  institution_name: z.string(),
  archive_no: z.string(),
  last_service_on: z.string().nullable(),
});

const sampleSchema = z.object({
  period: periodSchema,
  region: regionSchema,
  seed: z.number().int(),
  size: z.number().int(),
  services: z.array(z.object({ service: z.enum(SAMPLE_SERVICE_IDS), name_zh: z.string(), eligible: z.number().int(), rows: z.array(sampleRowSchema) })),
});

/** The assessment table (the CSV's rows) in a columnar export; the provenance rides in the Arrow schema metadata. */
const ASSESSMENT_COLUMNS: readonly Column[] = [
  { name: 'indicator', type: 'String' },
  { name: 'name_en', type: 'String' },
  { name: 'code', type: 'String' },
  { name: 'name', type: 'String' },
  { name: 'numerator', type: 'Int32', nullable: true },
  { name: 'denominator', type: 'Int32', nullable: true },
  { name: 'rate', type: 'Float64', nullable: true },
  { name: 'target', type: 'Float64', nullable: true },
  { name: 'weight', type: 'Float64' },
  { name: 'score', type: 'Float64' },
  { name: 'formula', type: 'String' },
];

const commonQuery = {
  year: yearParam.optional().describe('default: the current year'),
  region: regionParam.optional().describe('county, street/town or community code; default: the configured county'),
  as_of: dateParam.optional().describe('values as known on that date: evaluation date and received-by cut-off'),
};

/** `service=hypertension,diabetes` → those services; absent → all of them. */
function parseServices(text: string | undefined): SampleService[] {
  if (text === undefined || text.trim() === '') return SAMPLE_SERVICE_IDS;
  const asked = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = asked.filter((s) => !(SAMPLE_SERVICE_IDS as string[]).includes(s));
  if (unknown.length > 0) throw invalidParameter('service', `unknown service ${unknown.join(', ')}; one or more of ${SAMPLE_SERVICE_IDS.join(', ')}`);
  return asked as SampleService[];
}

export const reportRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  // Validated once at start: a bad weights file stops the server, not the first report.
  const weights = runtime.weights;

  app.get(
    '/v1/reports/assessment',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['indicators'],
        summary: '年度考核汇总 annual assessment: every indicator per street/town or institution with weight and score = weight × min(1, rate / target)',
        description:
          'Every format carries the provenance (definitions version, parameters and weights in force, evaluation date, receipt cut-off, events counted, SHA-256 of the figures): JSON `provenance`; CSV a block of `#出处 provenance,<key>,<value>` rows after an empty line; XLSX a sheet 出处. format=csv: UTF-8 with BOM (opens in Excel); format=xlsx: sheet 考核汇总. POST /v1/reports/assessment/verify checks it.',
        querystring: z.object({
          ...commonQuery,
          by: z.enum(['street', 'institution']).default('street'),
          format: z.enum(['json', 'csv', 'xlsx', 'arrow', 'parquet']).default('json'),
        }),
        response: {
          200: {
            description: 'the assessment: JSON, or the same table as CSV or XLSX',
            content: {
              'application/json': { schema: assessmentSchema },
              'text/csv': { schema: csvBody },
              [XLSX_CONTENT_TYPE]: { schema: xlsxBody },
              [COLUMNAR_CONTENT_TYPES.arrow]: { schema: z.string().meta({ format: 'binary' }).describe('Arrow IPC stream; schema metadata `provenance` holds the provenance as JSON') },
              [COLUMNAR_CONTENT_TYPES.parquet]: { schema: z.string().meta({ format: 'binary' }).describe('Parquet (the table only; its provenance: JSON, CSV, XLSX or Arrow)') },
            },
          },
          400: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const who = principal(request);
      const region = scopedGroupedRegion(who, reference, q.region, q.by);
      const period = resolvePeriod(q.year, q.as_of);
      const assessment = await signedAssessment(runtime, who, { period, region, by: q.by, weights });
      if (q.format === 'json') return assessment;
      const file = `assessment-${region.code}-${period.year}`;
      if (q.format === 'arrow' || q.format === 'parquet') {
        const body = await rowsToColumnar(runtime.store.client, q.format, ASSESSMENT_COLUMNS, assessmentTable(assessment), { provenance: JSON.stringify(assessment.provenance) });
        return sendColumnar(runtime, request, reply, q.format, file, body);
      }
      return sendSheet(runtime, request, reply, q.format, file, q.format === 'csv' ? assessmentCsv(assessment) : await assessmentXlsx(assessment));
    },
  );

  app.get(
    '/v1/reports/assessment/sample',
    {
      config: { access: 'lists:read' },
      schema: {
        tags: ['indicators'],
        summary: '电话复核抽样 phone-verification sample: a reproducible draw of people per service, masked',
        description: 'The same data and seed give the same people (ORDER BY cityHash64(person_key, seed)). Without a seed one is chosen and returned. format=csv: UTF-8 with BOM.',
        querystring: z.object({
          ...commonQuery,
          service: z.string().optional().describe(`comma-separated, default all: ${SAMPLE_SERVICE_IDS.join(', ')}`),
          size: z.coerce.number().int().min(1).max(500).default(20).describe('people per service'),
          seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: {
          200: { description: 'the sample, masked: JSON or CSV', content: { 'application/json': { schema: sampleSchema }, 'text/csv': { schema: csvBody } } },
          400: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const who = principal(request);
      const services = parseServices(q.service);
      if (who.scope.level === 'institution') throw new ApiError('forbidden', 'phone-verification samples are drawn for a street/town or the county, not for an institution', { needed: 'a street/town or county scope' });
      const region = scopedRegion(who, reference, q.region);
      const period = resolvePeriod(q.year, q.as_of);
      const seed = q.seed ?? randomInt(2 ** 31);
      const sample = await drawPhoneSample(runtime.store.client, reference, runtime.catalogue, { period, region, services, size: q.size, seed });
      const file = `phone-sample-${region.code}-${period.year}-seed${seed}.csv`;
      // A sample lists people (masked): recorded whatever its format.
      await recordExport(runtime, request, q.format === 'json' ? file.replace(/\.csv$/, '.json') : file);
      if (q.format === 'json') return sample;
      return sendDownload(reply, CSV_CONTENT_TYPE, file, phoneSampleCsv(sample));
    },
  );
};
