import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, shapeReasons } from '../../src/transform/event-shape.js';
import { redactEvent } from '../../src/transform/redact.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('event shape', () => {
  it('lets a real event through', () => {
    expect(shapeReasons({ event_id: 'e1', person: { id_number: 'x' }, data: { past_history: { diseases: ['高血压'] } } })).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'valueOf', 'hasOwnProperty', 'toString'])('refuses the key %s at any depth, naming where', (key) => {
    const event = JSON.parse(`{"event_id":"e1","data":{"vitals":{"${key}":{"polluted":1}}}}`);
    expect(shapeReasons(event)).toEqual([{ path: `data.vitals.${key}`, code: 'key_forbidden', message: expect.stringContaining(key) }]);
  });

  it('refuses an event nested 5,000 deep without recursion (no stack overflow)', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
    expect(shapeReasons(deep).map((r) => r.code)).toEqual(['event_too_deep']);
    expect(shapeReasons(nested(EVENT_LIMITS.maxDepth - 1))).toEqual([]);
  });

  it('refuses an event of more than 64 KB, estimated or known', () => {
    expect(shapeReasons({ note: 'x'.repeat(70_000) }).map((r) => r.code)).toEqual(['event_too_large']);
    expect(shapeReasons({}, 70_000).map((r) => r.code)).toEqual(['event_too_large']);
    expect(shapeReasons({ note: 'x'.repeat(1_000) })).toEqual([]);
  });
});

describe('redactEvent on hostile events', () => {
  it('cuts an event nested 5,000 deep instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
    const text = redactEvent(deep);
    expect(text).toContain('[…]');
    expect(text.length).toBeLessThan(400);
  });

  it('masks ID numbers and phones in keys and in numbers outside personal fields', () => {
    const text = redactEvent({ event_id: 110105194912310020, note: '13812345678', '11010519491231002X': 1 });
    expect(text).not.toContain('110105194912310020');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('11010519491231002X');
  });
});
