import { describe, expect, it } from 'vitest';
import { BUILD_PART_PEOPLE, buildParts } from '../../../src/metrics/state/state-maintainer.js';

describe('parts of a state build', () => {
  it('keeps a part at most the part size, and builds an empty or small store in one part', () => {
    expect(buildParts(0)).toBe(1);
    expect(buildParts(BUILD_PART_PEOPLE)).toBe(1);
    expect(buildParts(BUILD_PART_PEOPLE + 1)).toBe(2);
    expect(buildParts(441_000)).toBe(5);
    expect(buildParts(5_000, 1_200)).toBe(5);
  });
});
