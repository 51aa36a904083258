// Per-caller rate limits against a real app: one token over its limit gets 429 with the error
// body, another token and the health check of another caller are not held back by it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createToken } from '../../src/auth/token-store.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestRuntime } from '../integration/bootstrap.js';

let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  runtime = await openTestRuntime('it_rate_limit', { HAP_AUTH: 'on', HAP_RATE_LIMIT_PER_MINUTE: '5' });
  app = await buildApp(runtime);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

describe('rate limits', () => {
  it('answers 429 past the limit of one token, and counts each token apart', async () => {
    const busy = (await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'busy' })).token;
    const calm = (await createToken(runtime.store.client, { role: 'district_supervisor', scopeCode: '', label: 'calm' })).token;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.inject({ url: '/v1/indicators', headers: { authorization: `Bearer ${busy}` } })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await app.inject({ url: '/v1/indicators', headers: { authorization: `Bearer ${busy}` } });
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ url: '/v1/indicators', headers: { authorization: `Bearer ${calm}` } })).statusCode).toBe(200);
  });
});
