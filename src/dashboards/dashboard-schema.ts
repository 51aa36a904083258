// Dashboards as data: each page of the web UI is a declaration in dashboards/<name>.json (its
// panels, their indicators, grouping, chart and colour thresholds). The page code renders any
// declaration of the panel types below, so a new panel or page needs a file, not code.
import { z } from 'zod';

const text = z.string().trim().min(1).max(200);
const id = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and -');

/**
 * Colours against the target: green at or above amber_below × target, amber below it, red below
 * red_below × target (the issue's rule: amber below the target, red below 0.8 × target).
 */
export const thresholdsSchema = z
  .object({
    amber_below: z.number().min(0).max(2).default(1),
    red_below: z.number().min(0).max(2).default(0.8),
  })
  .strict()
  .refine((t) => t.red_below <= t.amber_below, { message: 'red_below must not exceed amber_below', path: ['red_below'] });

const DEFAULT_THRESHOLDS = { amber_below: 1, red_below: 0.8 };

/** "all" (the whole catalogue, in its order) or a list of indicator ids. */
const indicatorList = z.union([z.literal('all'), z.array(id).min(1)]);

const base = {
  id,
  title_zh: text,
  title_en: text,
  /** panels are shown by order, then as listed */
  order: z.number().int().min(0).max(1000).optional(),
};

const scorecard = z
  .object({
    ...base,
    type: z.literal('scorecard'),
    indicators: indicatorList.default('all'),
    by: z.enum(['street', 'institution']).default('street'),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
    /** the dashboard a click on a cell opens (with indicator and region in its URL) */
    drill_to: id.optional(),
  })
  .strict();

const drilldown = z
  .object({
    ...base,
    type: z.literal('drilldown'),
    /** the indicator shown when the URL names none */
    indicator: id.optional(),
    chart: z.enum(['bar', 'none']).default('bar'),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
  })
  .strict();

const trend = z
  .object({
    ...base,
    type: z.literal('trend'),
    indicator: id.optional(),
    by: z.enum(['street', 'community']).default('street'),
    chart: z.enum(['line']).default('line'),
    show_target: z.boolean().default(true),
  })
  .strict();

const worklist = z
  .object({
    ...base,
    type: z.literal('worklist'),
    source: z.enum(['issues', 'overdue']),
    page_size: z.number().int().min(10).max(1000).default(50),
    /** download buttons: every row under the current filters, from the list's API route */
    downloads: z.array(z.enum(['csv', 'xlsx'])).default(['csv', 'xlsx']),
  })
  .strict();

const assessment = z
  .object({
    ...base,
    type: z.literal('assessment'),
    by: z.enum(['street', 'institution']).default('street'),
    downloads: z.array(z.enum(['csv', 'xlsx'])).default(['csv', 'xlsx']),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
  })
  .strict();

const intake = z
  .object({
    ...base,
    type: z.enum(['rejections', 'freshness', 'ingest']),
    chart: z.enum(['bar', 'none']).default('bar'),
  })
  .strict();

export const panelSchema = z.discriminatedUnion('type', [scorecard, drilldown, trend, worklist, assessment, intake]);

/** Page controls shown above the panels; their values live in the URL. */
export const FILTERS = ['year', 'region', 'indicator', 'by', 'kind', 'program', 'institution'] as const;

export const dashboardSchema = z
  .object({
    $comment: z.string().optional(),
    name: id,
    title_zh: text,
    title_en: text,
    /** position in the navigation */
    order: z.number().int().min(0).max(1000),
    filters: z.array(z.enum(FILTERS)).default([]),
    panels: z.array(panelSchema).min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.panels.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', message: `panel id ${p.id} is used twice`, path: ['panels', i, 'id'] });
      seen.add(p.id);
    });
  });

export type Dashboard = z.infer<typeof dashboardSchema>;
export type Panel = z.infer<typeof panelSchema>;
