// Population denominators at any level: a division's own figure when given, else the sum of
// its children's (recursively). An institution's is the sum over the streets it serves.
import type { ReferenceData } from '../reference/reference-data.js';
import type { PopulationRow } from '../store/population-store.js';

export class PopulationLookup {
  private readonly given = new Map<string, number>();
  private readonly memo = new Map<string, number | null>();

  constructor(
    private readonly reference: ReferenceData,
    rows: readonly PopulationRow[],
    group: string,
  ) {
    for (const r of rows) if (r.group === group) this.given.set(r.division_code, r.count);
  }

  /** The figure for a division, or null when neither it nor any descendant has one. */
  forDivision(code: string): number | null {
    const cached = this.memo.get(code);
    if (cached !== undefined) return cached;
    let value: number | null = this.given.get(code) ?? null;
    if (value === null) {
      for (const child of this.reference.childrenOf(code)) {
        const v = this.forDivision(child.code);
        if (v !== null) value = (value ?? 0) + v;
      }
    }
    this.memo.set(code, value);
    return value;
  }

  /** Sum over the served streets that lie inside `region`. */
  forInstitution(institutionCode: string, region: string): number | null {
    const institution = this.reference.institutions.get(institutionCode);
    if (!institution) return null;
    let value: number | null = null;
    for (const street of institution.serves) {
      // A street-level region counts only its own street; a community-level region only itself.
      const code = region.length > street.length ? (region.startsWith(street) ? region : null) : street.startsWith(region) ? street : null;
      if (code === null) continue;
      const v = this.forDivision(code);
      if (v !== null) value = (value ?? 0) + v;
    }
    return value;
  }
}
