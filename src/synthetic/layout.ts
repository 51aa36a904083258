// The fixed frame of a synthetic district: how many residents live in each community, which
// institution archives each street, and the street-level service rates that make streets
// differ from one another (supervisors compare streets, so they must not all look alike).
import type { ReferenceData } from '../reference/reference-data.js';
import { dayOf, parseDay, yearOf } from './calendar.js';
import { isVillage, OTHER_ADDRESS_CODES } from './names.js';
import { hashSeed, Random } from './random.js';

/** Dadukou has about 420,000 residents in 97 communities (DOMAIN.md); other counties scale by committee count. */
const RESIDENTS_PER_COMMUNITY = 420_000 / 97;
/** People moving into the district each year, as a share of the residents. */
export const MOVE_IN_RATE = 0.011;
/**
 * An archive number has a 5-digit serial. Serials 1..33333 are the residents' own archives,
 * the next third children born during the period, the last third duplicate archives.
 */
export const SERIAL_BLOCK = 33_333;

export interface CommunityInfo {
  index: number;
  code: string;
  name: string;
  street: number;
  village: boolean;
  /** residents living there when the period starts */
  initial: number;
  /** residents moving in during the period */
  movers: number;
  /** first slot (global resident number) of this community */
  offset: number;
}

export interface StreetInfo {
  code: string;
  name: string;
  institution: string;
  /** share of residents with an archive (the archive coverage this street will show) */
  coverage: number;
  /** chance that an archived person aged 65+ has the annual health check in a year */
  elderlyRate: number;
  paperRate: number;
  /** institutions that may create a (wrong) second archive for residents of this street */
  otherInstitutions: string[];
}

export interface DistrictLayout {
  seed: number;
  county: string;
  countyName: string;
  firstYear: number;
  lastYear: number;
  startDay: number;
  untilDay: number;
  communities: CommunityInfo[];
  streets: StreetInfo[];
  slotCount: number;
  /** ID address codes: index 0 is the county itself, the rest are places people come from */
  addressCodes: string[];
  communityOfSlot(slot: number): CommunityInfo;
}

export interface LayoutOptions {
  /** 6-digit county code */
  county: string;
  /** from loadReferenceData(county) */
  reference: ReferenceData;
  /** default 20261125 at the CLI */
  seed: number;
  /** 1 = about 420,000 residents for Dadukou; 0.01 for tests */
  scale: number;
  /** default 2024 */
  firstYear: number;
  /** 'YYYY-MM-DD', the last date events may occur (CLI default: today in Asia/Shanghai) */
  until: string;
}

function institutionsByStreet(reference: ReferenceData, streets: readonly string[]): Map<string, string> {
  const all = [...reference.institutions.values()].sort((a, b) => a.code.localeCompare(b.code));
  if (all.length === 0) {
    throw new Error(`the reference data has no institution in county ${reference.county.code}: add one (HAP_INSTITUTIONS_FILE) to generate events`);
  }
  const byStreet = new Map<string, string>();
  for (const street of streets) {
    // A street nobody serves is archived by the first institution, as a district would fall back to.
    const serving = all.find((inst) => inst.serves.includes(street)) ?? all[0];
    if (serving) byStreet.set(street, serving.code);
  }
  return byStreet;
}

/** Largest-remainder rounding, so community sizes add up exactly to the total. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/**
 * `apportion` with no share above `cap`: what a full community cannot take goes to the others by
 * their weights. Below the cap (every scale up to about 1.1 for Dadukou) it is `apportion` itself,
 * so a seed gives the same district as before; above it the largest estates stop growing and
 * the others fill up, which is what lets a benchmark reach several times the district.
 */
export function apportionCapped(total: number, weights: readonly number[], cap: number): number[] {
  const counts = weights.map(() => 0);
  let open = weights.map((_, i) => i);
  let left = total;
  while (open.length > 0) {
    const shares = apportion(left, open.map((i) => weights[i] ?? 0));
    const full = open.filter((_, k) => (shares[k] ?? 0) > cap);
    if (full.length === 0) {
      open.forEach((i, k) => {
        counts[i] = shares[k] ?? 0;
      });
      return counts;
    }
    for (const i of full) counts[i] = cap;
    left -= cap * full.length;
    open = open.filter((i) => !full.includes(i));
  }
  // Every community full: the caller reports the one over its serials.
  counts[0] = (counts[0] ?? 0) + left;
  return counts;
}

export function buildLayout(options: LayoutOptions): DistrictLayout {
  const { county, reference, seed, scale, firstYear } = options;
  if (reference.county.code !== county) throw new Error(`reference data is for ${reference.county.code}, not ${county}`);
  if (!(scale > 0)) throw new Error(`scale must be positive, got ${scale}`);
  const startDay = dayOf(firstYear, 1, 1);
  const untilDay = parseDay(options.until);
  if (untilDay < startDay) throw new Error(`until ${options.until} is before the first year ${firstYear}`);
  const rng = new Random(hashSeed(seed, 0x1a7));
  const streetDivisions = reference.childrenOf(county);
  const institution = institutionsByStreet(reference, streetDivisions.map((s) => s.code));
  const allInstitutions = [...new Set(institution.values())].sort();
  const streets: StreetInfo[] = streetDivisions.map((s) => {
    const own = institution.get(s.code) ?? '';
    const others = [...reference.institutions.keys()].filter((code) => code !== own).sort();
    return {
      code: s.code,
      name: s.name,
      institution: own,
      coverage: 0.86 + rng.next() * 0.085,
      elderlyRate: 0.74 + rng.next() * 0.12,
      paperRate: 0.01 + rng.next() * 0.05,
      otherInstitutions: others.length > 0 ? others : allInstitutions,
    };
  });

  const committees = streetDivisions.flatMap((s, street) =>
    reference.childrenOf(s.code).map((c) => ({ code: c.code, name: c.name, street, village: isVillage(c.name) })),
  );
  if (committees.length === 0) throw new Error(`county ${county} has no communities in the reference data`);
  // Community sizes are log-normal (a few big estates, many small ones); villages are smaller.
  const weights = committees.map((c) => Math.exp(rng.normal(0, 0.55)) * (c.village ? 0.45 : 1));
  const total = Math.max(committees.length, Math.round(RESIDENTS_PER_COMMUNITY * committees.length * scale));
  const lastYear = yearOf(untilDay);
  const years = (untilDay - startDay + 1) / 365.25;
  // Residents and those moving in during the period share a community's serial block.
  const initial = apportionCapped(total, weights, Math.floor(SERIAL_BLOCK / (1 + MOVE_IN_RATE * years)) - 1);

  let offset = 0;
  const communities: CommunityInfo[] = committees.map((c, index) => {
    const n = initial[index] ?? 0;
    const movers = Math.round(n * MOVE_IN_RATE * years);
    if (n + movers > SERIAL_BLOCK) {
      throw new Error(`community ${c.code} would have ${n + movers} residents: more than 5-digit archive serials allow (lower the scale)`);
    }
    const info = { index, ...c, initial: n, movers, offset };
    offset += n + movers;
    return info;
  });
  const offsets = communities.map((c) => c.offset);

  return {
    seed,
    county,
    countyName: reference.county.name,
    firstYear,
    lastYear,
    startDay,
    untilDay,
    communities,
    streets,
    slotCount: offset,
    addressCodes: [county, ...OTHER_ADDRESS_CODES.filter((code) => code !== county)],
    communityOfSlot(slot) {
      let lo = 0;
      let hi = offsets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((offsets[mid] ?? 0) <= slot) lo = mid;
        else hi = mid - 1;
      }
      const community = communities[lo];
      if (!community) throw new Error(`slot ${slot} is outside the district`);
      return community;
    },
  };
}
