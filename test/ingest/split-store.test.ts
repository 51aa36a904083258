import { describe, expect, it } from 'vitest';
import { chunkRanges } from '../../src/ingest/split-store.js';

describe('message ranges of a batch\'s inserts', () => {
  it('covers the good rows chunk by chunk, in message order', () => {
    expect(chunkRanges(10, [], 4)).toEqual([{ lo: 0, hi: 4 }, { lo: 4, hi: 8 }, { lo: 8, hi: 10 }]);
    expect(chunkRanges(8, [], 4)).toEqual([{ lo: 0, hi: 4 }, { lo: 4, hi: 8 }]);
  });

  it('skips messages rejected by validation: they hold no row', () => {
    // rows: 0 1 3 4 | 5 7 (2, 6, 8, 9 rejected)
    expect(chunkRanges(10, [2, 6, 8, 9], 4)).toEqual([{ lo: 0, hi: 5 }, { lo: 5, hi: 8 }]);
    expect(chunkRanges(3, [0, 1, 2], 4)).toEqual([]);
    expect(chunkRanges(0, [], 4)).toEqual([]);
  });
});
