// The provenance block of an assessment (src/metrics/provenance.ts) as the API reads and writes it.
import { z } from 'zod';
import { dateParam, regionParam } from './schemas.js';

const parameterValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const provenanceSchema = z.object({
  definitions_version: z.string().max(16).describe('the indicator definitions (DOMAIN.md), e.g. v2'),
  year: z.number().int().min(2000).max(2100),
  region: regionParam,
  by: z.enum(['street', 'institution']),
  evaluation_date: dateParam,
  as_of: dateParam.nullable().describe('the as_of asked for; null when none was'),
  received_before: z.iso.datetime().describe('the receipt cut-off used (inclusive): the end of the as_of day, or the instant of evaluation'),
  events_counted: z.number().int().min(0).describe('distinct events of the store received by the cut-off'),
  parameters: z.object({
    indicators: z.record(z.string().max(64), z.object({ target: z.number().min(0).max(1).nullable(), parameters: z.record(z.string().max(64), parameterValue) })),
    weights: z.record(z.string().max(64), z.number().min(0).max(100)),
  }).describe("each indicator's effective parameters and target (district overrides applied) and the assessment weights"),
  figures_sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the canonical JSON of the figures (docs/contract-extensions.md)'),
});
