// OpenID Connect bearer tokens from the district's identity provider, verified with `jose`
// against the issuer's published keys (JWKS, fetched and cached by jose). The role and the scope
// come from configurable claims.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isRole, type Role } from './roles.js';

export interface OidcSettings {
  issuer: string;
  /** default: the issuer's discovery document's jwks_uri */
  jwksUrl?: string;
  audience?: string;
  roleClaim: string;
  scopeClaim: string;
}

export type OidcCheck = { ok: true; subject: string; role: Role; scopeCode: string | undefined } | { ok: false; problem: string };

async function discoverJwks(issuer: string): Promise<URL> {
  const response = await fetch(new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`));
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered ${response.status}`);
  const doc = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${issuer} names no jwks_uri`);
  return new URL(doc.jwks_uri);
}

export class OidcVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly settings: OidcSettings) {}

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= (this.settings.jwksUrl ? Promise.resolve(new URL(this.settings.jwksUrl)) : discoverJwks(this.settings.issuer)).then((url) => createRemoteJWKSet(url));
    // A failed discovery is tried again by the next request.
    this.keys.catch(() => {
      this.keys = undefined;
    });
    return this.keys;
  }

  async verify(token: string): Promise<OidcCheck> {
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(token, await this.keySet(), {
        issuer: this.settings.issuer,
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      });
      payload = result.payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, problem: 'token expired' };
      if (error instanceof joseErrors.JOSEError) return { ok: false, problem: `token not accepted (${error.code})` };
      return { ok: false, problem: `identity provider keys unavailable: ${(error as Error).message}` };
    }
    const role = payload[this.settings.roleClaim];
    if (!isRole(role)) return { ok: false, problem: `claim ${this.settings.roleClaim} names no role of this service` };
    const scope = payload[this.settings.scopeClaim];
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    if (!subject) return { ok: false, problem: 'token has no subject (sub)' };
    return { ok: true, subject, role, scopeCode: typeof scope === 'string' && scope !== '' ? scope : undefined };
  }
}
