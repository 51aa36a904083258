import { describe, expect, it } from 'vitest';
import { groupingsFor } from '../../src/jobs/indicator-snapshot.js';

describe('snapshot groupings', () => {
  it('evaluates each kept level once; the county total comes with the first', () => {
    expect(groupingsFor(['county', 'street', 'community', 'institution'])).toEqual(['street', 'community', 'institution']);
    expect(groupingsFor(['institution', 'county'])).toEqual(['institution']);
  });

  it('still evaluates one grouping when only the county is kept', () => {
    expect(groupingsFor(['county'])).toEqual(['street']);
  });
});
