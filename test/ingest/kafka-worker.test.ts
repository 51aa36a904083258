import { describe, expect, it } from 'vitest';
import { receivedFromMessage } from '../../src/ingest/event-text.js';
import { batchToken, rangeToken } from '../../src/ingest/kafka-worker.js';

describe('kafka worker helpers', () => {
  it('turns a message into a received event, keeping what is not JSON', () => {
    expect(receivedFromMessage({ value: Buffer.from('{"a":1}'), source: 't:0:7' })).toEqual({ kind: 'parsed', value: { a: 1 }, source: 't:0:7', screened: true });
    expect(receivedFromMessage({ value: Buffer.from('{oops'), source: 't:0:8' })).toMatchObject({ kind: 'unparsable', text: '{oops', source: 't:0:8' });
    expect(receivedFromMessage({ value: null, source: 't:0:9' })).toMatchObject({ kind: 'unparsable', error: expect.stringContaining('empty') });
  });

  it('derives the insert deduplication token from topic, partition and offset range', () => {
    const messages = ['10', '11', '12'].map((offset) => ({ key: null, value: null, offset }));
    expect(batchToken({ topic: 'hap.archive-events.v1', partition: 2, messages })).toBe('hap.archive-events.v1:2:10-12');
    expect(rangeToken({ topic: 't', partition: 0, messages }, 1, 1)).toBe('t:0:11-11');
  });
});
