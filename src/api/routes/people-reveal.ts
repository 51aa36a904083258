// POST /v1/people/reveal: one person's full identity (ID number, name) for a caller with
// pii:reveal, with a stated reason, inside the caller's scope. Every reveal is on the audit log
// before the answer leaves. Lists elsewhere stay masked.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { queryRows } from '../../store/clickhouse.js';
import { open } from '../../transform/sealing.js';
import { access, principal, recordAction } from '../access.js';
import { ApiError } from '../errors.js';
import { errorResponse } from '../schemas.js';
import { divisionVisible, institutionVisible } from '../scope.js';

export const peopleRevealRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  app.post(
    '/v1/people/reveal',
    {
      ...access('pii:reveal'),
      schema: {
        tags: ['quality'],
        summary: "One person's full identity, with a stated reason (recorded in the audit log)",
        body: z.object({
          person_ref: z.string().regex(/^[0-9a-f]{16,64}$/).describe('person_ref of a worklist or overdue-list row'),
          reason: z.string().trim().min(4).max(500).describe('why the identity is needed (kept in the audit log)'),
        }),
        response: {
          200: z.object({ person_ref: z.string(), id_type: z.string(), id_number: z.string(), name: z.string() }),
          400: errorResponse,
          403: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const who = principal(request);
      const { person_ref, reason } = request.body;
      const client = runtime.store.client;
      // Where the person lives and who holds them, by their latest record: the scope check.
      const [place] = await queryRows<{ division_code: string; institution_code: string }>(
        client,
        `SELECT argMax(division_code, (division_code != '', occurred_at)) AS division_code, argMax(institution_code, occurred_at) AS institution_code
         FROM events WHERE person_key = {ref:String} HAVING count() > 0`,
        { ref: person_ref },
      );
      if (!place) throw new ApiError('not_found', `no person ${person_ref}`, { parameter: 'person_ref' });
      const visible = who.scope.level === 'institution' ? institutionVisible(who, runtime.reference, place.institution_code) : divisionVisible(who, runtime.reference, place.division_code);
      if (!visible) throw new ApiError('forbidden', `person ${person_ref} is outside your scope (${who.scope.level} ${who.scope.code})`, { needed: `the scope of person ${person_ref}` });
      const [sealed] = await queryRows<{ key_id: string; sealed: string }>(client, 'SELECT key_id, sealed FROM identities FINAL WHERE person_key = {ref:String}', { ref: person_ref });
      if (!sealed || !runtime.keyring) throw new ApiError('not_found', `no identity is kept for person ${person_ref} (HAP_SEALING_KEYS was not set when their events arrived)`, { parameter: 'person_ref' });
      const opened = open(runtime.keyring, sealed);
      if (!opened.ok) throw new ApiError('not_found', `the identity of person ${person_ref} cannot be opened: ${opened.problem}`, { parameter: 'person_ref' });
      await recordAction(client, request, { action: 'identity.reveal', target: person_ref, reason });
      const identity = JSON.parse(opened.text) as { id_type: string; id_number: string; name: string };
      return { person_ref, ...identity };
    },
  );
};
