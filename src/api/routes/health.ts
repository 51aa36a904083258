import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';

export const healthRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; kafkaReady?: () => Promise<boolean> }> = async (app, { runtime, kafkaReady }) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  const readiness = z.object({ status: z.enum(['ready', 'not_ready']), store: z.boolean(), kafka: z.boolean().nullable() });
  app.get('/readyz', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: readiness, 503: readiness } } }, async (_req, reply) => {
    const store = await runtime.store.client.ping().then((r) => r.success, () => false);
    const kafka = kafkaReady ? await kafkaReady().catch(() => false) : null;
    const ready = store && kafka !== false;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', store, kafka });
  });
};
