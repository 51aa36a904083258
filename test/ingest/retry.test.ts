import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyStoreError, isRetriableStoreError, retryWhileRetriable } from '../../src/ingest/retry.js';

describe('store retries', () => {
  it('classifies by code, never by message', () => {
    expect(isRetriableStoreError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriableStoreError(Object.assign(new Error('x'), { clickhouseCode: 252 }))).toBe(true);
    expect(isRetriableStoreError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isRetriableStoreError(Object.assign(new Error('connection refused'), { clickhouseCode: 62 }))).toBe(false);
    expect(isRetriableStoreError(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('tells a store briefly unable, an insert too large for memory, refused content and a bug apart', () => {
    // chDB's insert error: code CHDB_INSERT, the engine's code as clickhouseCode (also on the cause)
    const chdb = (code: number) => Object.assign(new Error('x'), { code: 'CHDB_INSERT', clickhouseCode: code });
    expect(classifyStoreError(chdb(252))).toBe('retriable'); // TOO_MANY_PARTS
    expect(classifyStoreError(chdb(241))).toBe('too_large'); // MEMORY_LIMIT_EXCEEDED: split, not retried as is
    expect(classifyStoreError(chdb(469))).toBe('refused'); // VIOLATED_CONSTRAINT
    // the HTTP client's error: the code as a numeric string
    expect(classifyStoreError(Object.assign(new Error('x'), { code: '241' }))).toBe('too_large');
    expect(classifyStoreError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNREFUSED' }) }))).toBe('retriable');
    expect(classifyStoreError(new TypeError('undefined is not a function'))).toBe('bug');
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, 250, 30_000, () => 1)).toBe(250);
    expect(backoffDelay(3, 250, 30_000, () => 1)).toBe(2000);
    expect(backoffDelay(20, 250, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 250, 30_000, () => 0.5)).toBe(1000);
  });

  it('retries retriable errors until the work succeeds, keeping the consumer alive', async () => {
    let calls = 0;
    let keptAlive = 0;
    const result = await retryWhileRetriable(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
        return 'stored';
      },
      { shouldGiveUp: () => false, keepAlive: async () => void keptAlive++ },
      1,
      5,
    );
    expect(result).toEqual({ ok: true, value: 'stored' });
    expect(calls).toBe(3);
  });

  it('throws a programmer error at once and gives up when told to', async () => {
    await expect(retryWhileRetriable(async () => { throw new TypeError('bug'); }, { shouldGiveUp: () => false, keepAlive: async () => {} }, 1, 5)).rejects.toThrow('bug');
    let stop = false;
    const outcome = retryWhileRetriable(
      async () => {
        stop = true;
        throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      },
      { shouldGiveUp: () => stop, keepAlive: async () => {} },
      1,
      5,
    );
    expect(await outcome).toEqual({ ok: false, reason: 'given_up' });
  });
});
