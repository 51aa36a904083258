// The caller of a request, however it proved who it is (a local token, an OpenID Connect token,
// or nobody when access control is off on a loopback address).
import type { ReferenceData } from '../reference/reference-data.js';
import { type Permission, ROLE_PERMISSIONS, type Role, SCOPE_LEVEL } from './roles.js';

export interface Scope {
  level: 'county' | 'street' | 'institution';
  /** a division code (county, street/town) or an institution code */
  code: string;
}

export interface Principal {
  /** `token:<id>`, `oidc:<issuer sub>` or `anonymous` */
  id: string;
  role: Role;
  scope: Scope;
  permissions: ReadonlySet<Permission>;
  via: 'token' | 'oidc' | 'open';
}

export type ScopeCheck = { ok: true; scope: Scope } | { ok: false; problem: string };

/** The scope a role takes from a code (or the county); a code of the wrong kind is a problem. */
export function scopeFor(role: Role, code: string | undefined, reference: ReferenceData): ScopeCheck {
  const level = SCOPE_LEVEL[role];
  if (level === 'county') {
    if (code !== undefined && code !== reference.county.code) return { ok: false, problem: `a ${role} sees the whole county: give no scope (or ${reference.county.code})` };
    return { ok: true, scope: { level, code: reference.county.code } };
  }
  if (code === undefined) return { ok: false, problem: `a ${role} needs a scope: ${level === 'street' ? 'a street/town code' : 'an institution code'}` };
  if (level === 'street') {
    if (reference.divisions.get(code)?.level !== 'street') return { ok: false, problem: `${code} is not a street/town of ${reference.county.name} (${reference.county.code})` };
    return { ok: true, scope: { level, code } };
  }
  if (!reference.institutions.has(code)) return { ok: false, problem: `${code} is not an institution of the reference data` };
  return { ok: true, scope: { level, code } };
}

export function principalOf(id: string, role: Role, scope: Scope, via: Principal['via']): Principal {
  return { id, role, scope, permissions: new Set(ROLE_PERMISSIONS[role]), via };
}
