// GET /v1/indicators/{id}/trend: monthly values from the nightly snapshots (the last snapshot
// of each month), and GET /v1/quality/freshness: institutions that stopped sending events.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FRESHNESS_LABELS, institutionFreshness } from '../../jobs/institution-freshness.js';
import { addDays, lastDayOfMonth } from '../../jobs/snapshot-dates.js';
import { groupsOf, makeRow } from '../../metrics/evaluate.js';
import { todayInBeijing } from '../../metrics/evaluation-period.js';
import type { Indicator } from '../../metrics/indicator-schema.js';
import type { GroupLevel } from '../../metrics/subjects.js';
import type { Division } from '../../reference/divisions.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import type { Runtime } from '../../runtime.js';
import { readTrend, type TrendCell } from '../../store/snapshot-store.js';
import { principal } from '../access.js';
import { invalidParameter } from '../errors.js';
import { findIndicator } from '../params.js';
import { byParam, dateParam, errorResponse, indicatorRowSchema, regionParam, yearParam } from '../schemas.js';
import { institutionVisible, restrictToInstitution, scopedGroupedRegion, scopedRegion } from '../scope.js';

const monthOrDate = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'a month YYYY-MM or a date YYYY-MM-DD');

const trendQuery = z.object({
  year: yearParam.optional().describe('default: the current year'),
  region: regionParam.optional().describe('county, street/town or community code; default: the configured county'),
  by: byParam.default('street').describe('institution: whole county only (snapshots count each institution county-wide)'),
  from: monthOrDate.optional().describe('first month (or date) of the series; default: January of the year'),
  to: monthOrDate.optional().describe('last month (or date) of the series; default: December of the year'),
});

const trendPoint = z.object({
  month: z.string().describe('YYYY-MM'),
  snapshot_date: z.string().describe('the last snapshot of the month, whose values these are'),
  numerator: z.number().int(),
  denominator: z.number().int(),
  rate: z.number().nullable(),
  meets_target: z.boolean().nullable(),
  data_problem: indicatorRowSchema.shape.data_problem,
});
const trendSeries = z.object({ code: z.string(), name: z.string(), points: z.array(trendPoint) });
const regionSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });

const freshnessQuery = z.object({
  as_of: dateParam.optional().describe('reference date (Asia/Shanghai): events received by the end of it; default: today'),
  region: regionParam.optional().describe('institutions serving this division; default: the configured county'),
  stale_after_days: z.coerce.number().int().min(1).max(365).optional().describe('default: pipelines/schedules.json institution_freshness.stale_after_days'),
});
const freshnessRow = z.object({
  code: z.string(),
  name: z.string(),
  last_received_at: z.string().nullable(),
  last_occurred_at: z.string().nullable(),
  days_since_received: z.number().int().nullable(),
  days_since_occurred: z.number().int().nullable(),
  stale: z.boolean(),
  status: z.enum(Object.keys(FRESHNESS_LABELS) as [keyof typeof FRESHNESS_LABELS, ...(keyof typeof FRESHNESS_LABELS)[]]),
  status_label: z.string(),
});

/** A calendar date, or the first/last day of a month; the failure names the parameter. */
function boundary(value: string, edge: 'first' | 'last', parameter: string): string {
  try {
    if (value.length === 10) return addDays(value, 0);
    return edge === 'first' ? addDays(`${value}-01`, 0) : lastDayOfMonth(value);
  } catch {
    throw invalidParameter(parameter, `${value} is not a calendar month or date`);
  }
}

function checkedDate(value: string, parameter: string): string {
  try {
    return addDays(value, 0);
  } catch {
    throw invalidParameter(parameter, `${value} is not a calendar date`);
  }
}

/** Series per group in reference order, then codes only the snapshots know; the region's total apart. */
export function assembleTrend(reference: ReferenceData, indicator: Indicator, region: Division, by: GroupLevel, cells: readonly TrendCell[]) {
  const populationDenominator = 'population' in indicator.denominator;
  const point = (c: TrendCell) => {
    // As the live rows: a population denominator of 0 with something counted is a missing figure.
    const row = makeRow(c.code, '', c.numerator, populationDenominator && c.denominator === 0 ? null : c.denominator, indicator.target);
    return { month: c.month, snapshot_date: c.snapshot_date, numerator: c.numerator, denominator: c.denominator, rate: row.rate, meets_target: row.meets_target, data_problem: row.data_problem };
  };
  const groups = groupsOf(reference, region, by);
  const known = new Set(groups.map((g) => g.code));
  const series = new Map(groups.map((g) => [g.code, { code: g.code, name: g.name, points: [] as ReturnType<typeof point>[] }]));
  const total = { code: region.code, name: region.name, points: [] as ReturnType<typeof point>[] };
  for (const c of cells) {
    if (c.level === region.level && c.code === region.code) {
      total.points.push(point(c));
      continue;
    }
    if (!known.has(c.code) && !series.has(c.code)) {
      series.set(c.code, { code: c.code, name: c.code === '' ? '未知 (unknown)' : `未登记 (not in reference data) ${c.code}`, points: [] });
    }
    series.get(c.code)!.points.push(point(c));
  }
  const months = [...new Set(cells.map((c) => c.month))].sort();
  return { months, rows: [...series.values()], total };
}

export const trendRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  const { reference } = runtime;
  const client = runtime.store.client;
  // Read at start like the scheduler: a bad file fails the start, naming its key.
  const freshnessDefaults = runtime.schedules.jobs.institution_freshness;

  app.get(
    '/v1/indicators/:id/trend',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['indicators'],
        summary: '指标月度趋势 Monthly trend of an indicator from the nightly snapshots (last snapshot of each month)',
        params: z.object({ id: z.string() }),
        querystring: trendQuery,
        response: {
          200: z.object({
            indicator: z.string(),
            name_zh: z.string(),
            name_en: z.string(),
            year: z.number().int(),
            region: regionSchema,
            by: byParam,
            target: z.number().nullable(),
            from: z.string(),
            to: z.string(),
            months: z.array(z.string()),
            rows: z.array(trendSeries),
            total: trendSeries,
          }),
          400: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const indicator = findIndicator(runtime.catalogue, request.params.id);
      const q = request.query;
      const who = principal(request);
      const region = scopedGroupedRegion(who, reference, q.region, q.by);
      if (q.by === 'institution' && region.level !== 'county') {
        throw invalidParameter('by', 'institution trends are kept for the whole county: leave out region, or use by=street or by=community');
      }
      const year = q.year ?? Number(todayInBeijing().slice(0, 4));
      const from = q.from ? boundary(q.from, 'first', 'from') : `${year}-01-01`;
      const to = q.to ? boundary(q.to, 'last', 'to') : `${year}-12-31`;
      if (from > to) throw invalidParameter('from', `from ${from} is after to ${to}`);
      const cells = await readTrend(client, {
        indicator: indicator.id,
        year,
        region: { level: region.level, code: region.code },
        by: q.by,
        wholeCounty: region.level === 'county',
        from,
        to,
      });
      return {
        indicator: indicator.id,
        name_zh: indicator.name_zh,
        name_en: indicator.name_en,
        year,
        region: { code: region.code, name: region.name, level: region.level },
        by: q.by,
        target: indicator.target,
        from,
        to,
        ...(() => {
          const trend = assembleTrend(reference, indicator, region, q.by, cells);
          return restrictToInstitution(who, trend, (code): (typeof trend.rows)[number] => ({ code, name: reference.institutions.get(code)?.name ?? code, points: [] }));
        })(),
      };
    },
  );

  app.get(
    '/v1/quality/freshness',
    {
      config: { access: 'figures:read' },
      schema: {
        tags: ['quality'],
        summary: '机构上报及时性 Institutions that sent no event for N days, as of a date',
        querystring: freshnessQuery,
        response: {
          200: z.object({ as_of: z.string(), stale_after_days: z.number().int(), region: regionSchema, rows: z.array(freshnessRow), stale: z.number().int() }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const who = principal(request);
      const region = scopedRegion(who, reference, q.region);
      const today = todayInBeijing();
      const asOf = q.as_of ? checkedDate(q.as_of, 'as_of') : today;
      if (asOf > today) throw invalidParameter('as_of', `as_of ${asOf} is in the future`);
      const all = await institutionFreshness(client, reference, { region, asOf, staleAfterDays: q.stale_after_days ?? freshnessDefaults.stale_after_days });
      const rows = all.rows.filter((r) => institutionVisible(who, reference, r.code));
      const report = { ...all, rows, stale: rows.filter((r) => r.stale).length };
      return { ...report, region: { code: region.code, name: region.name, level: region.level } };
    },
  );
};
