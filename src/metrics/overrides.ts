// District overrides of the catalogue (pipelines/indicators.json): targets and declared
// parameters only; the definitions themselves stay in code, reviewed and pinned by tests.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Indicator } from './indicator-schema.js';

const overrideFileSchema = z.object({
  overrides: z.record(
    z.string(),
    z.object({
      target: z.number().min(0).max(1).nullable().optional(),
      parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
    }).strict(),
  ),
});

type ParameterValue = number | string | boolean | null;

// A parameter that is "none" by default (null, e.g. first_visit_within_days) takes a number or null.
const kindOf = (v: ParameterValue) => (v === null ? 'a number or null' : `a ${typeof v}`);
const sameKind = (declared: ParameterValue, value: ParameterValue) =>
  declared === null ? value === null || typeof value === 'number' : value !== null && typeof value === typeof declared;

/** Applies overrides; every problem (unknown indicator or parameter, wrong type) is reported together. */
export function applyOverrides(catalogue: readonly Indicator[], text: string, file = 'indicators.json'): Indicator[] {
  const parsed = overrideFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const problems: string[] = [];
  const byId = new Map(catalogue.map((i) => [i.id, i]));
  for (const [id, override] of Object.entries(parsed.data.overrides)) {
    const indicator = byId.get(id);
    if (!indicator) {
      problems.push(`overrides.${id}: no such indicator`);
      continue;
    }
    for (const [name, value] of Object.entries(override.parameters ?? {})) {
      const declared = indicator.parameters[name];
      if (declared === undefined) problems.push(`overrides.${id}.parameters.${name}: ${id} declares ${Object.keys(indicator.parameters).join(', ') || 'no parameters'}`);
      else if (!sameKind(declared, value)) problems.push(`overrides.${id}.parameters.${name}: expected ${kindOf(declared)}`);
    }
    byId.set(id, {
      ...indicator,
      ...(override.target !== undefined ? { target: override.target } : {}),
      parameters: { ...indicator.parameters, ...override.parameters },
    });
  }
  if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return catalogue.map((i) => byId.get(i.id)!);
}

export function loadCatalogue(catalogue: readonly Indicator[], file: string | undefined): Indicator[] {
  if (!file) return [...catalogue];
  return applyOverrides(catalogue, readFileSync(file, 'utf8'), file);
}
