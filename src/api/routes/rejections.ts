import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { institutionsServing } from '../../reference/reference-data.js';
import type { Runtime } from '../../runtime.js';
import { listRejections } from '../../store/rejection-reader.js';
import { principal } from '../access.js';
import { ApiError } from '../errors.js';
import { dateParam, errorResponse, pageParam, pageSizeParam, reasonSchema } from '../schemas.js';
import { institutionVisible, scopedInstitution } from '../scope.js';

export const rejectionRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  app.get(
    '/v1/rejections',
    {
      config: { access: 'rejections:read' },
      schema: {
        tags: ['events'],
        summary: 'Rejected events with their reasons and source position (personal fields masked)',
        querystring: z.object({
          institution: z.string().optional(),
          reason: z.string().optional().describe('a reason code, e.g. id_check_character'),
          since: dateParam.optional(),
          status: z.enum(['open', 'all']).default('all').describe('open: not yet re-submitted successfully'),
          page: pageParam,
          page_size: pageSizeParam,
        }),
        response: {
          200: z.object({
            total: z.number().int(),
            page: z.number().int(),
            page_size: z.number().int(),
            by_reason: z.record(z.string(), z.number().int()),
            by_institution: z.record(z.string(), z.number().int()).describe('rejections per institution code, under the same filters (every page)'),
            rows: z.array(
              z.object({
                received_at: z.string(),
                source: z.string(),
                institution_code: z.string(),
                event_id: z.string(),
                type: z.string(),
                reasons: z.array(reasonSchema),
                raw_masked: z.string(),
                resolved: z.boolean(),
              }),
            ),
          }),
          400: errorResponse,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const who = principal(request);
      const institution = scopedInstitution(who, q.institution);
      if (institution && !institutionVisible(who, runtime.reference, institution)) throw new ApiError('forbidden', `institution ${institution} does not serve your scope (${who.scope.level} ${who.scope.code})`, { needed: `institution ${institution}` });
      // A street/town's supervisor sees the rejections of the institutions serving it.
      const institutions = institution ? [institution] : who.scope.level === 'street' ? institutionsServing(runtime.reference, who.scope.code).map((i) => i.code) : [];
      const result = await listRejections(runtime.store.client, {
        institutions,
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.since ? { since: q.since } : {}),
        open: q.status === 'open',
        page: q.page,
        pageSize: q.page_size,
      });
      return { ...result, page: q.page, page_size: q.page_size };
    },
  );
};
