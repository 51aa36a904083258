// Local API tokens: `hap_<id>_<secret>`. Only the SHA-256 of the secret is stored (the secret
// is 32 random bytes, so a plain hash is enough); the token is shown once, at creation.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { toDateTime64 } from '../store/clickhouse-values.js';
import { queryRows } from '../store/clickhouse.js';
import type { Role } from './roles.js';

export interface TokenRecord {
  id: string;
  role: Role;
  /** a street/town or institution code; '' for a county-wide role */
  scope_code: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

interface StoredToken extends TokenRecord {
  hash: string;
  version: string;
}

const TOKEN = /^hap_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

async function writeToken(client: ClickHouseClient, token: StoredToken): Promise<void> {
  await client.insert({ table: 'api_tokens', values: [token], format: 'JSONEachRow' });
}

export async function createToken(
  client: ClickHouseClient,
  spec: { role: Role; scopeCode: string; label: string; expiresDays?: number },
  now = Date.now(),
): Promise<{ token: string; record: TokenRecord }> {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record: TokenRecord = {
    id,
    role: spec.role,
    scope_code: spec.scopeCode,
    label: spec.label,
    created_at: toDateTime64(now),
    expires_at: spec.expiresDays ? toDateTime64(now + spec.expiresDays * 86_400_000) : null,
    revoked_at: null,
  };
  await writeToken(client, { ...record, hash: sha256(secret), version: String(now) });
  return { token: `hap_${id}_${secret}`, record };
}

async function storedTokens(client: ClickHouseClient): Promise<StoredToken[]> {
  return queryRows<StoredToken>(
    client,
    `SELECT id, hash, role, scope_code, label, toString(created_at) AS created_at, if(isNull(expires_at), NULL, toString(expires_at)) AS expires_at,
       if(isNull(revoked_at), NULL, toString(revoked_at)) AS revoked_at, toString(version) AS version
     FROM api_tokens FINAL ORDER BY created_at`,
  );
}

export async function listTokens(client: ClickHouseClient): Promise<TokenRecord[]> {
  return (await storedTokens(client)).map(({ hash: _h, version: _v, ...r }) => r);
}

/** Revokes a token; false when there is no such token (or it was revoked already). */
export async function revokeToken(client: ClickHouseClient, id: string, now = Date.now()): Promise<boolean> {
  const token = (await storedTokens(client)).find((t) => t.id === id);
  if (!token || token.revoked_at) return false;
  await writeToken(client, { ...token, revoked_at: toDateTime64(now), version: String(Math.max(now, Number(token.version) + 1)) });
  return true;
}

export type TokenCheck = { ok: true; record: TokenRecord } | { ok: false; problem: string };

/**
 * Verifies presented tokens against the stored hashes. Tokens are read again at most every
 * `refreshMs` (a revocation by another process takes effect within it; one by this process at once).
 */
export class TokenVerifier {
  private tokens = new Map<string, StoredToken>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly refreshMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  invalidate(): void {
    this.loadedAt = 0;
  }

  async verify(token: string): Promise<TokenCheck> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, problem: 'not a token of this service (hap_…)' };
    if (this.now() - this.loadedAt > this.refreshMs) await this.load();
    // A token made since the last read (by the CLI, or another server): read again, at most once a second.
    if (!this.tokens.has(parsed.id) && this.now() - this.loadedAt > 1_000) await this.load();
    const stored = this.tokens.get(parsed.id);
    const presented = Buffer.from(sha256(parsed.secret), 'hex');
    if (!stored || !timingSafeEqual(presented, Buffer.from(stored.hash, 'hex'))) return { ok: false, problem: 'unknown token' };
    if (stored.revoked_at) return { ok: false, problem: `token ${stored.id} was revoked` };
    if (stored.expires_at && Date.parse(`${stored.expires_at.replace(' ', 'T')}Z`) <= this.now()) return { ok: false, problem: `token ${stored.id} expired` };
    const { hash: _h, version: _v, ...record } = stored;
    return { ok: true, record };
  }

  private load(): Promise<void> {
    this.loading ??= storedTokens(this.client)
      .then((rows) => {
        this.tokens = new Map(rows.map((r) => [r.id, r]));
        this.loadedAt = this.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
