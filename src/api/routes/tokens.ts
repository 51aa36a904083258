// /v1/tokens: local API tokens for operators (the same as `hap token …`, for a server that holds
// the embedded store). A new token is shown once; every change is on the audit log.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopeFor } from '../../auth/principal.js';
import { ROLES } from '../../auth/roles.js';
import { createToken, listTokens, revokeToken, type TokenVerifier } from '../../auth/token-store.js';
import type { Runtime } from '../../runtime.js';
import { access, recordAction } from '../access.js';
import { ApiError, invalidParameter } from '../errors.js';
import { errorResponse } from '../schemas.js';

const tokenRecord = z.object({
  id: z.string(),
  role: z.string(),
  scope_code: z.string(),
  label: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const tokenRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; tokens: TokenVerifier }> = async (app, { runtime, tokens }) => {
  const client = runtime.store.client;
  const audit = (request: Parameters<typeof recordAction>[1], action: 'token.create' | 'token.revoke', target: string, details: Record<string, unknown>) =>
    recordAction(client, request, { action, target, details });

  app.post(
    '/v1/tokens',
    {
      ...access('tokens:manage'),
      schema: {
        tags: ['reference'],
        summary: 'Create an API token (shown once)',
        body: z.object({
          role: z.enum(ROLES),
          scope: z.string().max(32).optional().describe('a street/town code (street_supervisor) or an institution code (institution_user, submitter)'),
          label: z.string().max(200).default(''),
          expires_days: z.number().int().min(1).max(3650).optional(),
        }),
        response: { 201: z.object({ token: z.string(), record: tokenRecord }), 400: errorResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const scope = scopeFor(b.role, b.scope, runtime.reference);
      if (!scope.ok) throw invalidParameter('scope', scope.problem);
      const created = await createToken(client, { role: b.role, scopeCode: scope.scope.level === 'county' ? '' : scope.scope.code, label: b.label, ...(b.expires_days ? { expiresDays: b.expires_days } : {}) });
      tokens.invalidate();
      await audit(request, 'token.create', created.record.id, { role: b.role, scope: created.record.scope_code, expires_at: created.record.expires_at });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/tokens',
    { ...access('tokens:manage'), schema: { tags: ['reference'], summary: 'API tokens (never their secrets)', response: { 200: z.object({ tokens: z.array(tokenRecord) }) } } },
    async () => ({ tokens: await listTokens(client) }),
  );

  app.delete(
    '/v1/tokens/:id',
    {
      ...access('tokens:manage'),
      schema: {
        tags: ['reference'],
        summary: 'Revoke an API token',
        params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }),
        response: { 200: z.object({ id: z.string(), revoked: z.literal(true) }), 400: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await revokeToken(client, id))) throw new ApiError('not_found', `no active token ${id}`, { parameter: 'id' });
      tokens.invalidate();
      await audit(request, 'token.revoke', id, {});
      return { id, revoked: true as const };
    },
  );
};
