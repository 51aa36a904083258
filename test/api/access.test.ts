// Access control against the real engine: every role against every route, scope escapes, bad
// tokens, OpenID Connect against a local JWKS server, reveals and payloads on record.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { createToken, revokeToken } from '../../src/auth/token-store.js';
import type { Runtime } from '../../src/runtime.js';
import { bulkEvents } from '../fixtures/bulk-events.js';
import { openTestRuntime } from '../integration/bootstrap.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const STREET = '500104001';
const OTHER_STREET = '500104002';
const INSTITUTION = 'H500104001';
const OTHER_INSTITUTION = 'H500104002';
const SCOPE_OF: Record<Role, string> = { district_supervisor: '', street_supervisor: STREET, institution_user: INSTITUTION, submitter: INSTITUTION, operator: '' };

let runtime: Runtime;
let app: FastifyInstance;
let jwks: Server;
let issuer: string;
let signingKey: SigningKey;
let foreignKey: SigningKey;
const tokens = {} as Record<Role, string>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// route, what it needs, and a request that succeeds for a permitted caller
const ROUTES: { name: string; method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown; allowed: readonly Role[] }[] = [
  { name: 'indicator', method: 'GET', url: '/v1/indicators/archive_coverage?year=2025&by=institution', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'catalogue', method: 'GET', url: '/v1/indicators', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'completeness', method: 'GET', url: '/v1/quality/completeness?year=2025&by=institution', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'worklist', method: 'GET', url: '/v1/quality/issues?year=2025', allowed: ['district_supervisor', 'street_supervisor', 'institution_user'] },
  { name: 'overdue', method: 'GET', url: '/v1/followups/overdue?as_of=2025-12-31', allowed: ['district_supervisor', 'street_supervisor', 'institution_user'] },
  { name: 'assessment', method: 'GET', url: '/v1/reports/assessment?year=2025&by=institution', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'assessment verify', method: 'POST', url: '/v1/reports/assessment/verify', body: {}, allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'rejections', method: 'GET', url: '/v1/rejections', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'population read', method: 'GET', url: '/v1/population/2025', allowed: ['district_supervisor', 'street_supervisor', 'institution_user', 'operator'] },
  { name: 'population write', method: 'PUT', url: '/v1/population/2031', body: [{ division_code: '500104001001', group: 'resident', count: 10 }], allowed: ['operator'] },
  { name: 'ingest status', method: 'GET', url: '/v1/ingest/status', allowed: ['district_supervisor', 'operator'] },
  { name: 'audit', method: 'GET', url: '/v1/audit', allowed: ['district_supervisor', 'operator'] },
  { name: 'tokens', method: 'GET', url: '/v1/tokens', allowed: ['operator'] },
  { name: 'events', method: 'POST', url: '/v1/events', body: [], allowed: ['submitter', 'operator'] },
];

beforeAll(async () => {
  runtime = await openTestRuntime('it_access', { HAP_AUTH: 'on' });
  for (const table of ['api_tokens', 'audit_log', 'identities']) await runtime.store.client.command({ query: `TRUNCATE TABLE ${table}` });
  // A local identity provider: its JWKS on a loopback port.
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  foreignKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  issuer = 'https://idp.example.test/realms/dadukou';
  const runtimeWithOidc = { ...runtime, config: { ...runtime.config, auth: { enabled: true, oidc: { issuer, jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`, audience: 'hap', roleClaim: 'hap_role', scopeClaim: 'hap_scope' } } } };
  app = await buildApp(runtimeWithOidc);
  for (const role of ROLES) tokens[role] = (await createToken(runtime.store.client, { role, scopeCode: SCOPE_OF[role], label: `test ${role}` })).token;
  // Two people: one in the supervisor's street held by their institution, one elsewhere.
  const mine = bulkEvents(2, 'acc').filter((_e, i) => i < 7);
  const theirs = bulkEvents(1, 'oth').map((e) => ({ ...e, institution_code: OTHER_INSTITUTION, person: { ...(e.person as object), id_number: '500104199001011237' }, data: { ...(e.data as object), ...((e.data as { residence?: unknown }).residence ? { residence: { division_code: '500104002001' } } : {}) } }));
  const res = await app.inject({ method: 'POST', url: '/v1/events', headers: bearer(tokens.operator), payload: [...mine, ...theirs] });
  expect(res.statusCode, res.body).toBe(202);
});

afterAll(async () => {
  await app?.close();
  jwks?.close();
  await runtime?.close();
});

async function oidcToken(claims: Record<string, unknown>, key = signingKey, expiresIn = '5m') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('hap').setSubject('zhang.wei').setIssuedAt().setExpirationTime(expiresIn).sign(key);
}

describe('every role against every route', () => {
  for (const route of ROUTES) {
    for (const role of ROLES) {
      const expected = route.allowed.includes(role) ? 'allowed' : 403;
      it(`${route.name}: ${role} is ${expected}`, async () => {
        const res = await app.inject({ method: route.method, url: route.url, headers: bearer(tokens[role]), ...(route.body !== undefined ? { payload: route.body as object } : {}) });
        if (expected === 403) {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().error.details.needed).toBeTruthy();
        } else {
          // POST /v1/events with an empty body is a 400 of the body, past access control.
          expect([200, 201, 202, 400], res.body).toContain(res.statusCode);
          expect(res.statusCode === 400 ? res.json().error.code : 'ok').not.toBe('forbidden');
        }
      });
    }
    it(`${route.name}: without a token is 401`, async () => {
      const res = await app.inject({ method: route.method, url: route.url, ...(route.body !== undefined ? { payload: route.body as object } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  }

  it('leaves no documented route open by omission', async () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const open: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{[^}]+\}/g, (p) => (p === '{year}' ? '2025' : p === '{id}' ? 'archive_coverage' : '500104'));
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url });
        if (res.statusCode !== 401) open.push(`${method} ${path} ${res.statusCode}`);
      }
    }
    expect(open.sort()).toEqual(['get /healthz 200', 'get /readyz 200']);
  });
});

describe('tokens', () => {
  it('refuses a missing scheme, an unknown, a revoked and an expired token', async () => {
    const url = '/v1/indicators';
    expect((await app.inject({ url, headers: { authorization: tokens.district_supervisor } })).statusCode).toBe(401);
    expect((await app.inject({ url, headers: bearer(`${tokens.district_supervisor.slice(0, -4)}AAAA`) })).statusCode).toBe(401);
    const made = await app.inject({ method: 'POST', url: '/v1/tokens', headers: bearer(tokens.operator), payload: { role: 'district_supervisor', label: 'to revoke' } });
    const revoked = made.json() as { token: string; record: { id: string } };
    expect((await app.inject({ url, headers: bearer(revoked.token) })).statusCode).toBe(200);
    const del = await app.inject({ method: 'DELETE', url: `/v1/tokens/${revoked.record.id}`, headers: bearer(tokens.operator) });
    expect(del.statusCode, del.body).toBe(200);
    const after = await app.inject({ url, headers: bearer(revoked.token) });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toContain('revoked');
    const expired = await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'old', expiresDays: 1 }, Date.now() - 2 * 86_400_000);
    // Made behind the server's back (as the CLI does): read again after a second at most.
    await new Promise((r) => setTimeout(r, 1_100));
    const old = await app.inject({ url, headers: bearer(expired.token) });
    expect(old.statusCode).toBe(401);
    expect(old.json().error.message).toContain('expired');
    expect(await revokeToken(runtime.store.client, revoked.record.id)).toBe(false);
  });

  it('creates a token through the API, shown once, and records the change', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: bearer(tokens.operator), payload: { role: 'street_supervisor', scope: STREET, expires_days: 30 } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().token).toMatch(/^hap_[0-9a-f]{12}_/);
    const list = await app.inject({ url: '/v1/tokens', headers: bearer(tokens.operator) });
    expect(list.body).not.toContain(res.json().token.slice(18));
    const wrongScope = await app.inject({ method: 'POST', url: '/v1/tokens', headers: bearer(tokens.operator), payload: { role: 'street_supervisor', scope: INSTITUTION } });
    expect(wrongScope.statusCode).toBe(400);
    const audit = await app.inject({ url: '/v1/audit?action=token.create', headers: bearer(tokens.district_supervisor) });
    expect(audit.json().rows.map((r: { target: string }) => r.target)).toContain(res.json().record.id);
  });
});

describe('OpenID Connect', () => {
  it('accepts a token signed by the issuer, with role and scope from its claims', async () => {
    const token = await oidcToken({ hap_role: 'street_supervisor', hap_scope: STREET });
    const mine = await app.inject({ url: `/v1/indicators/archive_coverage?year=2025&region=${STREET}&by=community`, headers: bearer(token) });
    expect(mine.statusCode, mine.body).toBe(200);
    const other = await app.inject({ url: `/v1/indicators/archive_coverage?year=2025&region=${OTHER_STREET}&by=community`, headers: bearer(token) });
    expect(other.statusCode).toBe(403);
  });

  it('refuses a wrongly signed, an expired, and a role-less token', async () => {
    const url = '/v1/indicators';
    expect((await app.inject({ url, headers: bearer(await oidcToken({ hap_role: 'district_supervisor' }, foreignKey)) })).statusCode).toBe(401);
    expect((await app.inject({ url, headers: bearer(await oidcToken({ hap_role: 'district_supervisor' }, signingKey, '-1m')) })).statusCode).toBe(401);
    const roleless = await app.inject({ url, headers: bearer(await oidcToken({ hap_role: 'admin' })) });
    expect(roleless.statusCode).toBe(401);
    expect(roleless.json().error.message).toContain('hap_role');
  });
});

describe('scope', () => {
  it("gives a street supervisor their street, as the total too, and refuses another street or county", async () => {
    const own = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&by=community', headers: bearer(tokens.street_supervisor) });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().region.code).toBe(STREET);
    expect(own.json().total.code).toBe(STREET);
    const other = await app.inject({ url: `/v1/indicators/archive_coverage?year=2025&region=${OTHER_STREET}&by=community`, headers: bearer(tokens.street_supervisor) });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.details.needed).toBe(`region ${OTHER_STREET}`);
    const county = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&region=500104&by=street', headers: bearer(tokens.street_supervisor) });
    expect(county.statusCode).toBe(403);
    const foreign = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&region=500103001&by=community', headers: bearer(tokens.street_supervisor) });
    expect([400, 403]).toContain(foreign.statusCode);
  });

  it('gives an institution user their institution only: by street is refused, the total is their row', async () => {
    const byStreet = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&by=street', headers: bearer(tokens.institution_user) });
    expect(byStreet.statusCode).toBe(403);
    const own = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&by=institution', headers: bearer(tokens.institution_user) });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().rows.map((r: { code: string }) => r.code)).toEqual([INSTITUTION]);
    expect(own.json().total.code).toBe(INSTITUTION);
    const district = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&by=institution', headers: bearer(tokens.district_supervisor) });
    expect(district.json().rows.length).toBeGreaterThan(1);
    const otherList = await app.inject({ url: `/v1/quality/issues?year=2025&institution=${OTHER_INSTITUTION}`, headers: bearer(tokens.institution_user) });
    expect(otherList.statusCode).toBe(403);
    const rejections = await app.inject({ url: `/v1/rejections?institution=${OTHER_INSTITUTION}`, headers: bearer(tokens.institution_user) });
    expect(rejections.statusCode).toBe(403);
  });

  it("rejects a submitter's event of another institution alone, and stores it as rejected", async () => {
    const [own, foreign] = bulkEvents(2, 'sub').filter((e) => String(e.event_id).endsWith('-a'));
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: bearer(tokens.submitter), payload: [own, { ...foreign, institution_code: OTHER_INSTITUTION }] });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().accepted).toBe(1);
    expect(res.json().rejected).toMatchObject([{ index: 1, reasons: [{ code: 'institution_not_permitted' }] }]);
    const stored = await app.inject({ url: '/v1/rejections?reason=institution_not_permitted', headers: bearer(tokens.operator) });
    expect(stored.json().total).toBe(1);
  });
});

describe('reveal and payloads on record', () => {
  async function firstPersonRef(token: string): Promise<string> {
    const res = await app.inject({ url: '/v1/followups/overdue', headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    const ref = res.json().rows.find((r: { institution_code: string }) => r.institution_code === INSTITUTION)?.person_ref;
    expect(ref).toMatch(/^[0-9a-f]{64}$/);
    return ref;
  }

  it('reveals one identity with a reason, records it, and refuses without a reason or outside the scope', async () => {
    const ref = await firstPersonRef(tokens.district_supervisor);
    const noReason = await app.inject({ method: 'POST', url: '/v1/people/reveal', headers: bearer(tokens.district_supervisor), payload: { person_ref: ref } });
    expect(noReason.statusCode).toBe(400);
    const res = await app.inject({ method: 'POST', url: '/v1/people/reveal', headers: bearer(tokens.district_supervisor), payload: { person_ref: ref, reason: '电话复核 phone verification' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id_number).toMatch(/^\d{17}[\dX]$/);
    expect(res.json().name).toMatch(/^测试/);
    const audit = await app.inject({ url: '/v1/audit?action=identity.reveal', headers: bearer(tokens.district_supervisor) });
    expect(audit.json().rows[0]).toMatchObject({ target: ref, reason: '电话复核 phone verification', actor_role: 'district_supervisor' });
    const made = await app.inject({ method: 'POST', url: '/v1/tokens', headers: bearer(tokens.operator), payload: { role: 'institution_user', scope: OTHER_INSTITUTION } });
    const otherInstitution = made.json() as { token: string };
    const outside = await app.inject({ method: 'POST', url: '/v1/people/reveal', headers: bearer(otherInstitution.token), payload: { person_ref: ref, reason: 'curious' } });
    expect(outside.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/people/reveal', headers: bearer(tokens.operator), payload: { person_ref: ref, reason: 'curious' } })).statusCode).toBe(403);
  });

  it('never stores the plain ID number or name in the analytical tables', async () => {
    const [row] = await runtime.store.client.query({ query: "SELECT count() AS n FROM identities WHERE sealed LIKE '%500104%' OR sealed LIKE '%测试%'", format: 'JSONEachRow' }).then((r) => r.json<{ n: string }>());
    expect(Number(row!.n)).toBe(0);
    const [ids] = await runtime.store.client.query({ query: 'SELECT count() AS n FROM identities', format: 'JSONEachRow' }).then((r) => r.json<{ n: string }>());
    expect(Number(ids!.n)).toBeGreaterThan(0);
  });

  it("lets an operator read a rejected event's original payload with a reason, and nobody else", async () => {
    const list = await app.inject({ url: '/v1/rejections?reason=institution_not_permitted', headers: bearer(tokens.operator) });
    const source = list.json().rows[0].source as string;
    const url = `/v1/rejections/payload?source=${encodeURIComponent(source)}&reason=${encodeURIComponent('fix and re-submit')}`;
    const res = await app.inject({ url, headers: bearer(tokens.operator) });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.json().payload).institution_code).toBe(OTHER_INSTITUTION);
    expect((await app.inject({ url, headers: bearer(tokens.district_supervisor) })).statusCode).toBe(403);
    expect(list.body).not.toMatch(/"id_number":"\d{17}/);
  });

  it('verifies an assessment under the same scope rules: another street is a 403', async () => {
    const made = await app.inject({ url: `/v1/reports/assessment?year=2025&region=${OTHER_STREET}`, headers: bearer(tokens.district_supervisor) });
    expect(made.statusCode, made.body).toBe(200);
    const verify = (role: Role) => app.inject({ method: 'POST', url: '/v1/reports/assessment/verify', headers: bearer(tokens[role]), payload: made.json() });
    expect((await verify('district_supervisor')).json().match).toBe(true);
    const street = await verify('street_supervisor');
    expect(street.statusCode, street.body).toBe(403);
    // An institution user reads figures by institution only.
    expect((await verify('institution_user')).statusCode).toBe(403);
  });

  it('gives an institution user an Arrow export of their own row only', async () => {
    const res = await app.inject({ url: '/v1/indicators/archive_coverage?year=2025&by=institution&format=arrow', headers: bearer(tokens.institution_user) });
    expect(res.statusCode, res.body).toBe(200);
    const { tableFromIPC } = await import('apache-arrow');
    const codes = tableFromIPC(res.rawPayload).toArray().map((r) => r.toJSON().code);
    expect(codes).toEqual([INSTITUTION, INSTITUTION]);
  });

  it('answers 400 for an audit period that is not a real date (found by the fuzzer: 0000-00-00 was a 500)', async () => {
    for (const since of ['0000-00-00', '2025-02-30', '2025-01-01 25:00']) {
      const res = await app.inject({ url: `/v1/audit?since=${encodeURIComponent(since)}`, headers: bearer(tokens.district_supervisor) });
      expect(res.statusCode, since).toBe(400);
      expect(res.json().error.details.parameter).toBe('since');
    }
  });

  it('records exports and offers no way to change the audit log', async () => {
    const csv = await app.inject({ url: '/v1/reports/assessment?year=2025&format=csv', headers: bearer(tokens.district_supervisor) });
    expect(csv.statusCode).toBe(200);
    const audit = await app.inject({ url: '/v1/audit?action=export', headers: bearer(tokens.district_supervisor) });
    expect(audit.json().rows.map((r: { target: string }) => r.target)).toContain('assessment-500104-2025.csv');
    for (const method of ['DELETE', 'PUT', 'POST', 'PATCH'] as const) {
      expect((await app.inject({ method, url: '/v1/audit', headers: bearer(tokens.operator) })).statusCode).toBe(404);
    }
  });
});
