// GET /v1/rejections/payload: a rejected event's original payload, decrypted, for an operator to
// fix and re-submit it (POST /v1/events). Needs rejections:payload and a reason; recorded.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { queryRows } from '../../store/clickhouse.js';
import { open } from '../../transform/sealing.js';
import { access, recordAction } from '../access.js';
import { ApiError } from '../errors.js';
import { errorResponse } from '../schemas.js';

export const rejectionPayloadRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  app.get(
    '/v1/rejections/payload',
    {
      ...access('rejections:payload'),
      schema: {
        tags: ['events'],
        summary: "A rejected event's original payload, to fix and re-submit (recorded in the audit log)",
        querystring: z.object({
          source: z.string().min(1).max(300).describe('the source position of the rejection (GET /v1/rejections)'),
          reason: z.string().trim().min(4).max(500).describe('why the payload is read (kept in the audit log)'),
        }),
        response: { 200: z.object({ source: z.string(), institution_code: z.string(), event_id: z.string(), payload: z.string() }), 400: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const { source, reason } = request.query;
      const [row] = await queryRows<{ institution_code: string; event_id: string; payload_key_id: string; payload_sealed: string }>(
        runtime.store.client,
        'SELECT institution_code, event_id, payload_key_id, payload_sealed FROM rejections FINAL WHERE source = {source:String} LIMIT 1',
        { source },
      );
      if (!row) throw new ApiError('not_found', `no rejected event at ${source}`, { parameter: 'source' });
      if (!row.payload_sealed || !runtime.keyring) throw new ApiError('not_found', `the payload of ${source} was not kept (HAP_SEALING_KEYS was not set when it arrived)`, { parameter: 'source' });
      const opened = open(runtime.keyring, { key_id: row.payload_key_id, sealed: row.payload_sealed });
      if (!opened.ok) throw new ApiError('not_found', `the payload of ${source} cannot be opened: ${opened.problem}`, { parameter: 'source' });
      await recordAction(runtime.store.client, request, { action: 'rejection.payload', target: source, reason });
      return { source, institution_code: row.institution_code, event_id: row.event_id, payload: opened.text };
    },
  );
};
