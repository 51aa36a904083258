// GET /v1/ingest/status (lag, throughput, rejections by reason) and Prometheus GET /metrics.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestStatusOptions } from '../../ingest/accept-events.js';

export type { IngestStatusOptions };

export const ingestStatusRoutes: FastifyPluginAsyncZod<IngestStatusOptions> = async (app, { metrics, kafka }) => {
  const lagOf = async () => {
    if (!kafka) return null;
    const admin = await kafka.bus.admin();
    try {
      const lag = await admin.lag(kafka.topic, kafka.group);
      for (const p of lag) metrics.lag.set({ partition: String(p.partition) }, p.lag);
      return lag;
    } finally {
      await admin.close();
    }
  };

  app.get(
    '/v1/ingest/status',
    {
      config: { access: 'operations:read' },
      schema: {
        tags: ['events'],
        summary: 'Ingest lag, throughput and rejections by reason',
        response: {
          200: z.object({
            mode: z.enum(['kafka', 'embedded']),
            topic: z.string().nullable(),
            group: z.string().nullable(),
            lag: z.array(z.object({ partition: z.number().int(), committed: z.string(), high: z.string(), lag: z.number().int() })).nullable(),
            total_lag: z.number().int().nullable(),
            accepted: z.number().int(),
            rejected: z.number().int(),
            rejected_by_reason: z.record(z.string(), z.number().int()),
            events_per_second_last_minute: z.number(),
            last_batch_at: z.string().nullable(),
          }),
        },
      },
    },
    async () => {
      const lag = await lagOf().catch(() => null);
      return {
        mode: kafka ? ('kafka' as const) : ('embedded' as const),
        topic: kafka?.topic ?? null,
        group: kafka?.group ?? null,
        lag,
        total_lag: lag ? lag.reduce((s, p) => s + p.lag, 0) : null,
        ...metrics.snapshot(),
      };
    },
  );

  app.get('/metrics', { config: { access: 'operations:read' }, schema: { hide: true } }, async (_req, reply) => {
    await lagOf().catch(() => null);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
