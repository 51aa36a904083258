// Denominators for the synthetic district, counted from the synthetic residents themselves so
// that the indicators computed downstream (coverage, elderly management, newborn visits, …)
// are consistent with the events: resident_total is the people living in a community at mid-year.
import { ageOnDay, dayOf, monthsOnDay } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import { communityAt, isPresent, type Resident } from './resident.js';

export interface PopulationRow {
  year: number;
  division_code: string;
  group: string;
  count: number;
}

export const POPULATION_GROUPS = [
  'resident_total', 'aged_65_plus', 'aged_0_6', 'live_births', 'hypertension_estimated', 'diabetes_estimated', 'smd_estimated',
  'aged_0_36_months',
] as const;
const [TOTAL, AGED_65, AGED_0_6, BIRTHS, HYPERTENSION, DIABETES, SMD, AGED_0_36_MONTHS] = [0, 1, 2, 3, 4, 5, 6, 7] as const;

const GROUPS = POPULATION_GROUPS.length;

export class PopulationTally {
  private readonly counts: Int32Array;
  private readonly years: number;
  private readonly communities: number;

  constructor(private readonly layout: DistrictLayout) {
    this.years = layout.lastYear - layout.firstYear + 1;
    this.communities = layout.communities.length;
    this.counts = new Int32Array(this.years * this.communities * GROUPS);
  }

  private bump(yearIndex: number, community: number, group: number): void {
    const i = (yearIndex * this.communities + community) * GROUPS + group;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  add(r: Resident): void {
    const { firstYear, lastYear, untilDay } = this.layout;
    const birthYear = r.birthYear;
    if ((r.ref & 1) === 1 && birthYear >= firstYear && birthYear <= lastYear) {
      this.bump(birthYear - firstYear, communityAt(r, r.birthDay), BIRTHS);
    }
    for (let y = firstYear; y <= lastYear; y++) {
      // Mid-year, or `until` while the year is still running.
      const mid = Math.min(dayOf(y, 7, 1), untilDay);
      if (!isPresent(r, mid)) continue;
      const yi = y - firstYear;
      const c = communityAt(r, mid);
      this.bump(yi, c, TOTAL);
      // Aged 65 or more on 31 December, as the elderly indicator's numerator counts them.
      if (y - birthYear >= 65) this.bump(yi, c, AGED_65);
      if (ageOnDay(r.birthDay, mid) <= 6) this.bump(yi, c, AGED_0_6);
      // Children 0–36 months (儿童中医药健康管理): up to the 36-month visit's age.
      if (r.birthDay <= mid && monthsOnDay(r.birthDay, mid) <= 36) this.bump(yi, c, AGED_0_36_MONTHS);
      if (r.hypertension && r.hypertension.onset <= mid) this.bump(yi, c, HYPERTENSION);
      if (r.diabetes && r.diabetes.onset <= mid) this.bump(yi, c, DIABETES);
      if (r.smd && r.smd.onset <= mid) this.bump(yi, c, SMD);
    }
    if (r.child) this.add(r.child);
  }

  rows(): PopulationRow[] {
    const rows: PopulationRow[] = [];
    for (let yi = 0; yi < this.years; yi++) {
      for (let c = 0; c < this.communities; c++) {
        const code = this.layout.communities[c]?.code ?? '';
        POPULATION_GROUPS.forEach((group, g) => {
          rows.push({ year: this.layout.firstYear + yi, division_code: code, group, count: this.counts[(yi * this.communities + c) * GROUPS + g] ?? 0 });
        });
      }
    }
    return rows;
  }
}
