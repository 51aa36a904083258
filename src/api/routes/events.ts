// POST /v1/events: a JSON array or NDJSON (or CSV) of events. Answers 202 once the events are
// durable; rejected ones are listed with their index and reasons, the good ones still land.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventsFromCsv, eventsFromText } from '../../ingest/event-text.js';
import type { AcceptEvents } from '../../ingest/accept-events.js';
import type { ReceivedEvent } from '../../ingest/pipeline.js';
import type { Principal } from '../../auth/principal.js';
import { principal } from '../access.js';
import { ApiError } from '../errors.js';
import { errorResponse, reasonSchema } from '../schemas.js';

export type { AcceptEvents };

/**
 * A submitter posts for its own institution: an event of another is refused (stored as rejected
 * with that reason, so nothing is lost), the rest go on.
 */
export function refuseOutsideScope(who: Principal, events: ReceivedEvent[]): ReceivedEvent[] {
  if (who.scope.level !== 'institution') return events;
  return events.map((event) => {
    if (event.kind !== 'parsed') return event;
    const code = (event.value as { institution_code?: unknown } | null)?.institution_code;
    if (code === who.scope.code) return event;
    return {
      ...event,
      refused: [{ path: 'institution_code', code: 'institution_not_permitted', message: `this token submits events of ${who.scope.code} only, not of ${typeof code === 'string' ? code : '(none)'}` }],
    };
  });
}

export const eventRoutes: FastifyPluginAsyncZod<{ acceptEvents: AcceptEvents; bodyLimit: number }> = async (app, { acceptEvents, bodyLimit }) => {
  // Bodies are read as text here (only in this plugin): NDJSON and CSV are not JSON, and a
  // malformed line must become a rejected event, not a 400 for the whole batch.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson', 'application/jsonl', 'text/plain', 'text/csv'],
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/events',
    {
      config: { access: 'events:submit' },
      schema: {
        tags: ['events'],
        summary: 'Submit archive events (JSON array, NDJSON or CSV)',
        response: {
          202: z.object({
            accepted: z.number().int(),
            rejected: z.array(z.object({ index: z.number().int(), event_id: z.string(), reasons: z.array(reasonSchema) })),
          }),
          400: errorResponse,
          415: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'string') throw new ApiError('invalid_body', 'send events as a JSON array, NDJSON or CSV');
      const sourceOf = (i: number) => `http:${request.id}#${i}`;
      const contentType = String(request.headers['content-type'] ?? '');
      let events: ReceivedEvent[];
      try {
        events = contentType.startsWith('text/csv') ? eventsFromCsv(body, sourceOf) : eventsFromText(body, sourceOf);
      } catch (error) {
        // Only CSV can fail as a whole (JSON lines fail one by one): say where.
        const line = (error as { lines?: number }).lines;
        throw new ApiError('invalid_body', `CSV cannot be read${line ? ` at line ${line}` : ''}: ${(error as Error).message.split(':')[0]}`, line ? { line } : {});
      }
      if (events.length === 0) throw new ApiError('invalid_body', 'the body holds no event');
      return reply.code(202).send(await acceptEvents(refuseOutsideScope(principal(request), events)));
    },
  );
};
