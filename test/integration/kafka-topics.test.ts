// Topic creation on the real broker: a topic that ensureTopic created is usable at once, in every
// partition, and creating it logs no error (a KRaft broker learns of a new topic from its
// controller a moment later; asking for it by name meanwhile is an error kafkajs logs and does not
// retry, and it once kept `hap serve` from starting on a just-started broker).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusAdmin, EventBus } from '../../src/kafka/bus.js';
import { testBus, uniqueTopic } from './kafka-helpers.js';

let bus: EventBus;
let admin: BusAdmin;

beforeAll(async () => {
  bus = testBus();
  admin = await bus.admin();
});

afterAll(async () => {
  await admin.close();
});

describe('ensureTopic', () => {
  it('returns a topic led in every partition, creates it once, and logs no error', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (/"level":"ERROR"/.test(String(chunk))) errors.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      const topics = [0, 1, 2].map((i) => uniqueTopic(`ensure${i}`));
      for (const topic of topics) expect(await admin.ensureTopic(topic, 6)).toBe(true);
      const producer = await bus.producer();
      try {
        for (const topic of topics) {
          const lag = await admin.lag(topic, `${topic}.group`);
          expect(lag.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
          await producer.send(topic, [{ key: 'k', value: 'v' }]);
          expect(await admin.ensureTopic(topic, 6)).toBe(false);
        }
      } finally {
        await producer.close();
      }
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([]);
  });
});
