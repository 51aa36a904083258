// An assessment as the API hands it out: scoped to the caller, with its provenance. Without an
// as_of the receipt cut-off is fixed to the instant of evaluation, so the same figures can be
// recomputed from the event log later, after more events have arrived.
import type { Principal } from '../auth/principal.js';
import { type Assessment, type AssessmentLevel, buildAssessment, type Weights } from '../metrics/assessment.js';
import type { EvaluationPeriod } from '../metrics/evaluation-period.js';
import type { Indicator } from '../metrics/indicator-schema.js';
import { countEventsReceived, type Provenance, provenanceOf } from '../metrics/provenance.js';
import type { SubjectSource } from '../metrics/subjects.js';
import type { Division } from '../reference/divisions.js';
import type { Runtime } from '../runtime.js';
import { scopeAssessment } from './scope.js';

export interface SignedAssessmentOptions {
  period: EvaluationPeriod;
  region: Division;
  by: AssessmentLevel;
  weights: Weights;
  /** the catalogue the figures are computed with (a verification passes the provenance's parameters) */
  catalogue?: readonly Indicator[];
  source?: SubjectSource;
  now?: number;
}

/** The period with its cut-off fixed: the end of the as_of day, or now. */
export function fixCutoff(period: EvaluationPeriod, now = Date.now()): EvaluationPeriod {
  return period.asOf === null ? { ...period, receivedBefore: Math.min(period.receivedBefore, now) } : period;
}

export async function signedAssessment(runtime: Runtime, who: Principal, options: SignedAssessmentOptions): Promise<Assessment & { provenance: Provenance }> {
  const period = fixCutoff(options.period, options.now);
  const catalogue = options.catalogue ?? runtime.catalogue;
  const eventsCounted = await countEventsReceived(runtime.store.client, period.receivedBefore);
  const built = await buildAssessment(
    { ...runtime, catalogue },
    { period, region: options.region, by: options.by, weights: options.weights, ...(options.source ? { source: options.source } : {}) },
  );
  const assessment = scopeAssessment(who, built);
  return { ...assessment, provenance: provenanceOf(assessment, { catalogue, weights: options.weights, period, eventsCounted }) };
}
