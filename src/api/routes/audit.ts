// GET /v1/audit: the audit log (reveals, exports, token changes), newest first. Read-only: no
// route changes it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { AUDIT_ACTIONS, readAudit } from '../../store/audit-log.js';
import { access } from '../access.js';
import { errorResponse, pageParam, pageSizeParam } from '../schemas.js';

const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/, 'YYYY-MM-DD or YYYY-MM-DD hh:mm[:ss] (Beijing time)')
  .refine((v) => isRealInstant(v), 'not a real date and time');

/** A calendar date (and time) that exists: 2025-02-30 and 0000-00-00 do not. */
function isRealInstant(text: string): boolean {
  const [date = '', time = '00:00'] = text.split(/[ T]/);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  const [hh, mm, ss = 0] = time.split(':').map(Number) as [number, number, number?];
  return y >= 1970 && at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d && hh < 24 && mm < 60 && (ss ?? 0) < 60;
}

export const auditRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  app.get(
    '/v1/audit',
    {
      ...access('audit:read'),
      schema: {
        tags: ['reference'],
        summary: '审计日志 the audit log: every reveal, export and token change',
        querystring: z.object({
          since: instant.optional(),
          until: instant.optional(),
          action: z.enum(AUDIT_ACTIONS).optional(),
          actor: z.string().max(200).optional(),
          page: pageParam,
          page_size: pageSizeParam,
        }),
        response: {
          200: z.object({
            total: z.number().int(),
            page: z.number().int(),
            page_size: z.number().int(),
            rows: z.array(
              z.object({ at: z.string(), id: z.string(), actor: z.string(), actor_role: z.string(), actor_scope: z.string(), action: z.string(), target: z.string(), reason: z.string(), route: z.string(), details: z.string() }),
            ),
          }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await readAudit(runtime.store.client, {
        ...(q.since ? { since: q.since } : {}),
        ...(q.until ? { until: q.until } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        page: q.page,
        pageSize: q.page_size,
      });
      return { ...result, page: q.page, page_size: q.page_size };
    },
  );
};
