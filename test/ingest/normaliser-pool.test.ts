// The pool gives byte for byte what normalising on the main thread gives, for good, invalid,
// unparsable and empty messages alike; a thread that dies fails only its own batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NormaliserPool, packMessages, unpackMessages } from '../../src/ingest/normaliser-pool.js';
import { inlineNormaliser, type RawMessage } from '../../src/ingest/pipeline.js';
import { loadReferenceData } from '../../src/reference/reference-data.js';
import { bulkEvents } from '../fixtures/bulk-events.js';

const key = Buffer.from('pool-test-key-0123456789abcdef0123');
const reference = loadReferenceData('500104');
let pool: NormaliserPool;

function messages(): RawMessage[] {
  const good = bulkEvents(40, 'pool').map((e, i) => ({ value: Buffer.from(JSON.stringify(e)), source: `t:0:${i}` }));
  const bad = { value: Buffer.from(JSON.stringify({ ...(bulkEvents(1, 'bad')[0] as object), person: { id_number: '500104199001011234', name: 'x' } })), source: 't:0:900' };
  return [...good.slice(0, 100), { value: Buffer.from('{oops'), source: 't:0:901' }, bad, { value: null, source: 't:0:902' }, { value: Buffer.from('中文 not json'), source: 't:0:903' }, ...good.slice(100)];
}

beforeAll(() => {
  pool = new NormaliserPool({ region: '500104', institutionFiles: [], pseudonymKey: key, insertBatchRows: 64 }, 2);
});
afterAll(async () => {
  await pool.close();
});

describe('normaliser pool', () => {
  it('packs and unpacks messages, tombstones and multibyte text included', () => {
    const input = messages();
    const { bytes, lengths } = packMessages(input);
    const back = unpackMessages(bytes, lengths, input.map((m) => m.source));
    expect(back.map((m) => (m.value === null ? null : Buffer.from(m.value).toString('utf8')))).toEqual(input.map((m) => (m.value === null ? null : Buffer.from(m.value).toString('utf8'))));
  });

  it('encodes exactly what the main thread encodes', async () => {
    const receivedAt = Date.parse('2026-11-27T08:00:00Z');
    const inline = await inlineNormaliser({ reference, pseudonymKey: key, insertBatchRows: 64 }).fromMessages(messages(), receivedAt);
    const pooled = await pool.fromMessages(messages(), receivedAt);
    expect(inline.accepted).toBe(280);
    expect(inline.rejected.map((r) => r.index)).toEqual([100, 101, 102, 103]);
    expect(pooled.accepted).toBe(inline.accepted);
    expect(pooled.touched).toEqual(inline.touched);
    expect(pooled.rejected).toEqual(inline.rejected);
    expect(pooled.chunks.length).toBe(Math.ceil(280 / 64));
    expect(pooled.chunks.map((c) => Buffer.from(c).toString('utf8'))).toEqual(inline.chunks.map((c) => Buffer.from(c).toString('utf8')));
  });

  it('runs batches on several threads at once and keeps each answer with its batch', async () => {
    const batches = [10, 20, 30, 5].map((n, b) => bulkEvents(n, `p${b}`).map((value, i) => ({ kind: 'parsed' as const, value, source: `b${b}:${i}` })));
    const answers = await Promise.all(batches.map((events) => pool.fromEvents(events, Date.now())));
    expect(answers.map((a) => a.accepted)).toEqual([70, 140, 210, 35]);
    expect(answers.map((a) => a.touched.length)).toEqual([10, 20, 30, 5]);
  });

  it('answers a thread failure as an error of that batch, and gives up respawning a setup that cannot load', async () => {
    const broken = new NormaliserPool({ region: '999999', institutionFiles: [], pseudonymKey: key, insertBatchRows: 64 }, 1);
    try {
      await expect(broken.fromEvents([{ kind: 'parsed', value: {}, source: 'x:0' }], Date.now())).rejects.toThrow(/999999/);
      // Threads that die at start are replaced a few times, then the pool says it cannot start.
      let last = '';
      for (let attempt = 0; attempt < 20 && !/cannot start/.test(last); attempt++) {
        last = await broken.fromEvents([{ kind: 'parsed', value: {}, source: `x:${attempt}` }], Date.now()).then(() => 'answered', (e: Error) => e.message);
        expect(last).toMatch(/999999/);
      }
      expect(last).toMatch(/cannot start/);
    } finally {
      await broken.close();
    }
    // The healthy pool is untouched.
    const after = await pool.fromEvents(bulkEvents(2, 'after').map((value, i) => ({ kind: 'parsed' as const, value, source: `a:${i}` })), Date.now());
    expect(after.accepted).toBe(14);
  });
});
