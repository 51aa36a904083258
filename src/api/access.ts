// Access control of every route: who is asking (a local token or an OpenID Connect token), and
// whether the route's permission is theirs. A route declares `config.access`: a permission, or
// 'public' (health, the API documentation). A route that declares nothing is refused to everyone,
// so a new route cannot be open by omission.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { OidcVerifier } from '../auth/oidc.js';
import { type Principal, principalOf, scopeFor } from '../auth/principal.js';
import { PERMISSIONS, type Permission, ROLES } from '../auth/roles.js';
import type { TokenVerifier } from '../auth/token-store.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { ApiError } from './errors.js';
import type { ClickHouseClient } from '@clickhouse/client';
import { type AuditAction, appendAudit } from '../store/audit-log.js';

export type Access = Permission | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AccessOptions {
  enabled: boolean;
  reference: ReferenceData;
  tokens: TokenVerifier;
  oidc?: OidcVerifier;
}

/** The route options that say who may call a route. */
export const access = (needed: Access) => ({ config: { access: needed } });

/** With access control off (development on loopback): one caller who may do everything, county-wide. */
function openPrincipal(reference: ReferenceData): Principal {
  return { id: 'anonymous', role: 'district_supervisor', scope: { level: 'county', code: reference.county.code }, permissions: new Set(PERMISSIONS), via: 'open' };
}

const unauthenticated = (problem: string) => new ApiError('unauthenticated', `authentication required: ${problem}`, { scheme: 'Bearer' });

async function authenticate(request: FastifyRequest, options: AccessOptions): Promise<Principal> {
  const header = request.headers.authorization;
  if (!header) throw unauthenticated('send Authorization: Bearer <token>');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
  const token = match[1]!;
  if (token.startsWith('hap_')) {
    const check = await options.tokens.verify(token);
    if (!check.ok) throw unauthenticated(check.problem);
    const scope = scopeFor(check.record.role, check.record.scope_code || undefined, options.reference);
    if (!scope.ok) throw unauthenticated(`token ${check.record.id}: ${scope.problem}`);
    return principalOf(`token:${check.record.id}`, check.record.role, scope.scope, 'token');
  }
  if (!options.oidc) throw unauthenticated('not a token of this service, and no OpenID Connect issuer is configured');
  const check = await options.oidc.verify(token);
  if (!check.ok) throw unauthenticated(check.problem);
  const scope = scopeFor(check.role, check.scopeCode, options.reference);
  if (!scope.ok) throw new ApiError('forbidden', `the identity provider's scope claim: ${scope.problem}`, { needed: 'scope' });
  return principalOf(`oidc:${check.subject}`, check.role, scope.scope, 'oidc');
}

export const accessControl = fp(async (app: FastifyInstance, options: AccessOptions) => {
  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config?.access;
    const url = request.routeOptions.url;
    // Unmatched URLs (404) and the documentation UI the swagger plugin registers are public.
    if (needed === 'public' || url === undefined || url === '/docs' || url.startsWith('/docs/')) return;
    if (needed === undefined) throw new ApiError('forbidden', `route ${url} declares no access rule`, { needed: 'a route access rule' });
    const principal = options.enabled ? await authenticate(request, options).catch((e: unknown) => {
      if (e instanceof ApiError && e.code === 'unauthenticated') void reply.header('www-authenticate', 'Bearer');
      throw e;
    }) : openPrincipal(options.reference);
    if (!principal.permissions.has(needed)) {
      const roles = ROLES.filter((r) => principalOf('', r, principal.scope, 'token').permissions.has(needed));
      throw new ApiError('forbidden', `${principal.role} may not do this: needs ${needed} (roles: ${roles.join(', ')})`, { needed, role: principal.role });
    }
    request.principal = principal;
  });
});

/** The caller of a route that declared a permission (set by the hook before any handler). */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthenticated', 'authentication required');
  return request.principal;
}

/** Appends what the caller of this request did to the audit log: who, their role and scope, the route. */
export async function recordAction(
  client: ClickHouseClient,
  request: FastifyRequest,
  entry: { action: AuditAction; target: string; reason?: string; details?: Record<string, unknown> },
): Promise<void> {
  const who = principal(request);
  await appendAudit(client, {
    actor: who.id,
    actor_role: who.role,
    actor_scope: `${who.scope.level}:${who.scope.code}`,
    action: entry.action,
    target: entry.target,
    reason: entry.reason ?? '',
    route: request.routeOptions.url ?? '',
    details: entry.details ?? {},
  });
}

/** Appends an export (CSV, XLSX, a sample) to the audit log, with who asked and the route. */
export async function recordExport(runtime: { store: { client: ClickHouseClient } }, request: FastifyRequest, file: string): Promise<void> {
  await recordAction(runtime.store.client, request, { action: 'export', target: file, details: { query: request.query } });
}
