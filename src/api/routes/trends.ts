// GET /v1/indicators/{id}/trend: monthly values from the nightly snapshots.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';

export const trendRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (_app, _options) => {};
