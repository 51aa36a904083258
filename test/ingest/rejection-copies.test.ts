import { describe, expect, it } from 'vitest';
import { collapseRejections } from '../../src/ingest/rejection-copies.js';

const rejected = (index: number, raw: string) => ({
  index, received_at: 0, source: `http:r#${index}`, institution_code: '', event_id: '', type: '', raw_masked: raw,
  reasons: [{ path: '(event)', code: 'invalid_union', message: 'x' }],
});

describe('collapseRejections', () => {
  it('regression: a million identical {} are one stored rejection with their number, the first source kept', () => {
    const rows = collapseRejections([...Array.from({ length: 1_000 }, (_, i) => rejected(i, '{}')), rejected(1_000, '{"a":1}')]);
    expect(rows.map((r) => [r.source, r.copies])).toEqual([['http:r#0', 1_000], ['http:r#1000', 1]]);
    expect(rows[0]).not.toHaveProperty('index');
  });
});
