// POST /v1/reports/assessment/verify: recomputes an assessment from the event log as of its
// provenance (evaluation date, receipt cut-off, parameters and weights then in force) and says
// whether the figures and their hash match, and which figures differ.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseWeights } from '../../metrics/assessment.js';
import { DEFINITIONS_VERSION } from '../../metrics/catalogue.js';
import type { EvaluationPeriod } from '../../metrics/evaluation-period.js';
import { applyOverrides } from '../../metrics/overrides.js';
import { assessmentFigures, canonicalJson, compareFigures, figuresSha256, parametersInForce } from '../../metrics/provenance.js';
import type { Runtime } from '../../runtime.js';
import { principal } from '../access.js';
import { invalidParameter } from '../errors.js';
import { checkGrouping } from '../params.js';
import { provenanceSchema } from '../provenance-schema.js';
import { errorResponse } from '../schemas.js';
import { checkInstitutionGrouping, scopedRegion } from '../scope.js';
import { signedAssessment } from '../signed-assessment.js';

const figureRow = z.object({ code: z.string().max(64), numerator: z.number().int(), denominator: z.number().int(), score: z.number() });
const groupScore = z.object({ code: z.string().max(64), score: z.number() });

const verifyBody = z.object({
  provenance: provenanceSchema,
  indicators: z.array(z.object({ id: z.string().max(64), rows: z.array(figureRow).max(10_000), total: figureRow })).max(200).optional()
    .describe('the figures as received (the JSON assessment as it came); absent: only the hash is checked'),
  scores: z.object({ rows: z.array(groupScore).max(10_000), total: groupScore }).optional(),
});

const MAX_DIFFERENCES = 1000;

export const reportVerifyRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const currentWeights = runtime.weights;

  app.post(
    '/v1/reports/assessment/verify',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['indicators'],
        summary: '考核结果核验 verify an assessment: recompute it from the event log as of its provenance and compare',
        description:
          'Send the JSON assessment as received (or only its `provenance`, e.g. from the CSV block or the XLSX sheet 出处). The figures are recomputed from the event log (exact for any cut-off) with the evaluation date, receipt cut-off, parameters, targets and weights of the provenance, under the caller\'s scope (verify under the scope the assessment was made for).',
        body: verifyBody,
        response: {
          200: z.object({
            match: z.boolean().describe('the recomputed figures hash to figures_sha256, the events counted agree, and the figures sent (if any) are those figures'),
            figures_sha256: z.object({ given: z.string(), recomputed: z.string(), of_figures_sent: z.string().nullable() }),
            events_counted: z.object({ given: z.number().int(), recomputed: z.number().int() }),
            differences: z.array(z.object({ figure: z.string(), given: z.number().nullable(), recomputed: z.number().nullable() }))
              .describe(`figures sent that differ from the recomputation (at most ${MAX_DIFFERENCES}), named indicator.code.field or score.code`),
            parameters_changed: z.array(z.string()).describe('indicators (and weights) whose parameters differ from those in force now; the recomputation used the provenance\'s'),
            problems: z.array(z.string()),
          }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const { provenance: p, ...sent } = request.body;
      const who = principal(request);
      checkInstitutionGrouping(who, p.by);
      const region = scopedRegion(who, reference, p.region);
      checkGrouping(region, p.by);
      if (p.definitions_version !== DEFINITIONS_VERSION) {
        throw invalidParameter('provenance.definitions_version', `computed with definitions ${p.definitions_version}; this service implements ${DEFINITIONS_VERSION} and cannot recompute it`);
      }
      const yearStart = `${p.year}-01-01`;
      const yearEnd = `${p.year}-12-31`;
      if (p.evaluation_date < yearStart || p.evaluation_date > yearEnd) throw invalidParameter('provenance.evaluation_date', `not a date of ${p.year}`);
      const receivedBefore = Date.parse(p.received_before);
      if (receivedBefore > Date.now()) throw invalidParameter('provenance.received_before', 'in the future');
      const missing = runtime.catalogue.filter((i) => !(i.id in p.parameters.indicators)).map((i) => i.id);
      if (missing.length > 0) throw invalidParameter('provenance.parameters', `indicators missing: ${missing.join(', ')}`);
      let catalogue: ReturnType<typeof applyOverrides>;
      let weights: ReturnType<typeof parseWeights>;
      try {
        catalogue = applyOverrides(runtime.catalogue, JSON.stringify({ overrides: p.parameters.indicators }), 'provenance.parameters.indicators');
        weights = parseWeights(runtime.catalogue, JSON.stringify({ weights: p.parameters.weights }), 'provenance.parameters');
      } catch (error) {
        throw invalidParameter('provenance.parameters', (error as Error).message);
      }
      const period: EvaluationPeriod = { year: p.year, yearStart, yearEnd, evalDate: p.evaluation_date, asOf: p.as_of, receivedBefore };
      // The log, never the maintained state: it is exact for any cut-off.
      const recomputed = await signedAssessment(runtime, who, { period, region, by: p.by, weights, catalogue, source: 'log' });
      const recomputedHash = recomputed.provenance.figures_sha256;

      const problems: string[] = [];
      if (recomputedHash !== p.figures_sha256) problems.push('the recomputed figures do not hash to figures_sha256');
      if (recomputed.provenance.events_counted !== p.events_counted) problems.push('another number of events was received by the cut-off');
      let differences: ReturnType<typeof compareFigures> = [];
      let sentHash: string | null = null;
      if (sent.indicators && sent.scores) {
        const given = assessmentFigures({ indicators: sent.indicators, scores: sent.scores });
        sentHash = figuresSha256(given);
        differences = compareFigures(given, assessmentFigures(recomputed));
        if (differences.length > 0) problems.push(`${differences.length} figure(s) sent differ from the recomputation`);
        if (sentHash !== p.figures_sha256) problems.push('the figures sent do not hash to figures_sha256');
      } else if (sent.indicators || sent.scores) {
        throw invalidParameter(sent.indicators ? 'scores' : 'indicators', 'send indicators and scores together (or neither, to check the hash only)');
      }
      const now = parametersInForce(runtime.catalogue, currentWeights);
      const parametersChanged = Object.keys(now.indicators).filter((id) => canonicalJson(now.indicators[id]) !== canonicalJson(p.parameters.indicators[id]));
      if (canonicalJson(now.weights) !== canonicalJson(p.parameters.weights)) parametersChanged.push('weights');
      return {
        match: problems.length === 0,
        figures_sha256: { given: p.figures_sha256, recomputed: recomputedHash, of_figures_sent: sentHash },
        events_counted: { given: p.events_counted, recomputed: recomputed.provenance.events_counted },
        differences: differences.slice(0, MAX_DIFFERENCES),
        parameters_changed: parametersChanged,
        problems,
      };
    },
  );
};
