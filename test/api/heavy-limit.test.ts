import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiError, errorBody } from '../../src/api/errors.js';
import { heavyLimit } from '../../src/api/heavy-limit.js';

async function appWith(limit: ReturnType<typeof heavyLimit>) {
  const app = Fastify();
  const gates: (() => void)[] = [];
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error.code, error.message));
    return reply.code(500).send(String(error));
  });
  await app.register(async (heavy) => {
    heavy.addHook('onRequest', limit.hook);
    heavy.get('/heavy', () => new Promise((resolve) => gates.push(() => resolve({ ok: true }))));
  });
  app.get('/light', async () => ({ ok: true }));
  const openAll = () => {
    for (const open of gates.splice(0)) open();
  };
  return { app, openAll };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('heavy limit', () => {
  it('regression: eight heavy requests never make a light read wait; over the queue they get 503 with Retry-After', async () => {
    const limit = heavyLimit({ concurrency: 2, queue: 3, retryAfterSeconds: 7 });
    const { app, openAll } = await appWith(limit);
    const heavy = Array.from({ length: 8 }, () => app.inject({ method: 'GET', url: '/heavy' }));
    await tick();
    expect([limit.running(), limit.waiting()]).toEqual([2, 3]);
    const light = await app.inject({ method: 'GET', url: '/light' });
    expect(light.statusCode).toBe(200);
    // The three over the queue were refused at once.
    const settled = await Promise.race([Promise.all(heavy.slice(5)), tick().then(() => 'pending')]);
    expect(settled).not.toBe('pending');
    for (const res of settled as Awaited<(typeof heavy)[number]>[]) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.json().error.code).toBe('server_busy');
    }
    // Released slots pass to the waiting ones, in order, until all are served.
    while (limit.running() > 0) {
      openAll();
      await tick();
    }
    expect((await Promise.all(heavy.slice(0, 5))).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect([limit.running(), limit.waiting()]).toEqual([0, 0]);
    await app.close();
  });
});
