// POST /v1/events: a JSON array or NDJSON (or CSV) of events. Answers 202 once the events are
// durable; rejected ones are listed with their index and reasons, the good ones still land.
// What one request may cost is bounded: the number of events (413 over it) and the size of the
// answer (rejections listed up to a limit, the rest counted by reason).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import type { AcceptEvents, AcceptOutcome } from '../../ingest/accept-events.js';
import { eventsFromCsv, eventsFromText } from '../../ingest/event-text.js';
import type { ReceivedEvent } from '../../ingest/pipeline.js';
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

/**
 * The media types an event batch may come as. Not text/plain: a browser on any site may send it
 * cross-origin without asking (a "simple" request), these three need a CORS preflight that this
 * API never grants.
 */
export const EVENT_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'text/csv'] as const;

const answerSchema = z.object({
  accepted: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), event_id: z.string(), reasons: z.array(reasonSchema) })).describe('the first HAP_MAX_LISTED_REJECTIONS rejected events'),
  rejected_total: z.number().int(),
  rejected_by_reason: z.record(z.string(), z.number().int()).describe('rejected events per reason code, all of them'),
  conflicts: z
    .array(z.object({ index: z.number().int(), event_id: z.string(), message: z.string() }))
    .describe('event ids sent again with another content: the copy received first is kept'),
});

/** The answer with its lists cut at `maxListed`: a million bad events must not make a 261 MB answer. */
export function boundedAnswer(outcome: AcceptOutcome, maxListed: number): z.infer<typeof answerSchema> {
  const byReason: Record<string, number> = {};
  for (const r of outcome.rejected) {
    for (const code of new Set(r.reasons.map((x) => x.code))) byReason[code] = (byReason[code] ?? 0) + 1;
  }
  return {
    accepted: outcome.accepted,
    rejected: outcome.rejected.slice(0, maxListed),
    rejected_total: outcome.rejected.length,
    rejected_by_reason: byReason,
    conflicts: outcome.conflicts.slice(0, maxListed),
  };
}

export const eventRoutes: FastifyPluginAsyncZod<{ acceptEvents: AcceptEvents; bodyLimit: number; maxEvents: number; maxListed: number }> = async (
  app,
  { acceptEvents, bodyLimit, maxEvents, maxListed },
) => {
  // Bodies are read as text here (only in this plugin): NDJSON and CSV are not JSON, and a
  // malformed line must become a rejected event, not a 400 for the whole batch. Any other type
  // (text/plain, forms) finds no parser: 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...EVENT_MEDIA_TYPES], { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/events',
    {
      config: { access: 'events:submit' },
      schema: {
        tags: ['events'],
        summary: 'Submit archive events (JSON array, NDJSON or CSV; gzip accepted)',
        response: { 202: answerSchema, 400: errorResponse, 413: errorResponse, 415: errorResponse },
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
      if (events.length > maxEvents) {
        throw new ApiError('too_many_events', `${events.length} events in one request; at most ${maxEvents} (HAP_MAX_EVENTS_PER_REQUEST): split the batch`, {
          limit: maxEvents,
          received: events.length,
        });
      }
      return reply.code(202).send(boundedAnswer(await acceptEvents(refuseOutsideScope(principal(request), events)), maxListed));
    },
  );
};
