// GET /v1/reports/assessment (the annual assessment table) and the phone-verification sample.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';

export const reportRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (_app, _options) => {};
