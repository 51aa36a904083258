// Reference data the pipeline validates against: the county's divisions and its institutions.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Division, loadCountyDivisions } from './divisions.js';

export const institutionSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  county: z.string().regex(/^\d{6}$/),
  address: z.string().optional(),
  /** street/town codes whose residents this institution archives */
  serves: z.array(z.string().regex(/^\d{9}$/)).min(1),
});
export type Institution = z.infer<typeof institutionSchema>;

const institutionFileSchema = z.object({ institutions: z.array(institutionSchema) });

export interface ReferenceData {
  readonly county: Division;
  readonly divisions: ReadonlyMap<string, Division>;
  readonly institutions: ReadonlyMap<string, Institution>;
  childrenOf(code: string): Division[];
  /** The street/town of a 9- or 12-digit code inside the county, if any. */
  streetOf(code: string): string | undefined;
}

const BUILT_IN_INSTITUTIONS = fileURLToPath(new URL('../../reference/institutions.json', import.meta.url));

export function readInstitutionFile(path: string): Institution[] {
  const parsed = institutionFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data.institutions;
}

/** Institutions that archive residents of a region (a street they serve lies in it, or contains it). */
export function institutionsServing(reference: Pick<ReferenceData, 'institutions'>, regionCode: string): Institution[] {
  return [...reference.institutions.values()].filter((i) => i.serves.some((s) => s.startsWith(regionCode) || regionCode.startsWith(s)));
}

export function loadReferenceData(countyCode: string, extraInstitutionFiles: readonly string[] = []): ReferenceData {
  const list = loadCountyDivisions(countyCode);
  const divisions = new Map(list.map((d) => [d.code, d]));
  const children = new Map<string, Division[]>();
  for (const d of list) if (d.parent) children.set(d.parent, [...(children.get(d.parent) ?? []), d]);
  const institutions = new Map<string, Institution>();
  for (const file of [BUILT_IN_INSTITUTIONS, ...extraInstitutionFiles]) {
    for (const inst of readInstitutionFile(file)) if (inst.county === countyCode) institutions.set(inst.code, inst);
  }
  return {
    county: list[0]!,
    divisions,
    institutions,
    childrenOf: (code) => children.get(code) ?? [],
    streetOf: (code) => {
      const street = code.slice(0, 9);
      return divisions.get(street)?.level === 'street' ? street : undefined;
    },
  };
}
