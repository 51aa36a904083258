// Who may do what: roles (these ids are the contract of issue 11) and the permissions each
// carries. A route names one permission; a principal's scope then limits what it sees.

export const ROLES = ['district_supervisor', 'street_supervisor', 'institution_user', 'submitter', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** indicators, completeness, trends, the assessment, regions, population figures */
  'figures:read',
  /** worklists of people (masked), overdue lists, phone samples */
  'lists:read',
  /** one person's full identity, with a stated reason (recorded) */
  'pii:reveal',
  /** POST /v1/events (a submitter: its own institution only) */
  'events:submit',
  /** rejected events, masked */
  'rejections:read',
  /** a rejected event's original payload, decrypted (recorded) */
  'rejections:payload',
  /** PUT /v1/population */
  'population:write',
  /** ingest status and metrics */
  'operations:read',
  /** API tokens: create, list, revoke (recorded) */
  'tokens:manage',
  /** GET /v1/audit */
  'audit:read',
  /** POST /v1/admin/backup: a copy of all the data and its keys (recorded) */
  'operations:backup',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role may do; its scope (county, street/town or institution) limits the answers. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  district_supervisor: ['figures:read', 'lists:read', 'pii:reveal', 'rejections:read', 'operations:read', 'audit:read'],
  street_supervisor: ['figures:read', 'lists:read', 'pii:reveal', 'rejections:read'],
  institution_user: ['figures:read', 'lists:read', 'pii:reveal', 'rejections:read'],
  submitter: ['events:submit'],
  operator: ['figures:read', 'events:submit', 'rejections:read', 'rejections:payload', 'population:write', 'operations:read', 'tokens:manage', 'audit:read', 'operations:backup'],
};

/** The level of the scope each role takes: a district supervisor and an operator see the county. */
export const SCOPE_LEVEL: Readonly<Record<Role, 'county' | 'street' | 'institution'>> = {
  district_supervisor: 'county',
  street_supervisor: 'street',
  institution_user: 'institution',
  submitter: 'institution',
  operator: 'county',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
