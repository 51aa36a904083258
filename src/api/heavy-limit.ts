// Heavy reads (worklists, reports, exports, samples, overdue lists, completeness) scan much of
// the store; eight of them at once made a light indicator read wait 22 s. At most `concurrency`
// run at once, at most `queue` wait (first come, first served), the next gets 503 with
// Retry-After. Light reads (indicators, health) never pass through here.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

export interface HeavyLimit {
  /** an onRequest hook: waits for a slot, or refuses with 503 */
  readonly hook: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  readonly running: () => number;
  readonly waiting: () => number;
}

export function heavyLimit(options: { concurrency: number; queue: number; retryAfterSeconds?: number }): HeavyLimit {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const acquire = (): Promise<void> | undefined => {
    if (running < options.concurrency) {
      running++;
      return undefined;
    }
    if (waiting.length >= options.queue) throw new ApiError('server_busy', `${running} heavy requests running and ${waiting.length} waiting: retry later`, { retry_after_seconds: options.retryAfterSeconds ?? 5 });
    // The slot passes straight from the releasing request to this one (running stays the same).
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    async hook(request, reply) {
      try {
        await acquire();
      } catch (error) {
        reply.header('retry-after', String(options.retryAfterSeconds ?? 5));
        throw error;
      }
      // A client that left while waiting gives its slot straight back.
      if (request.raw.socket?.destroyed) {
        release();
        throw new ApiError('server_busy', 'the client went away while waiting');
      }
      // 'close' comes once, whether the answer was sent or the client went away mid-way.
      reply.raw.once('close', release);
    },
    running: () => running,
    waiting: () => waiting.length,
  };
}
