import { describe, expect, it } from 'vitest';
import { duration, progressText } from '../../src/cli/progress.js';

describe('progress lines', () => {
  it('shows the share done and an ETA when the total is known', () => {
    expect(progressText(1000, 4000, 500)).toBe('1,000 of 4,000 events (25 %), 500 events/s, ETA 0:06');
    expect(progressText(0, 4000, 0)).toBe('0 of 4,000 events (0 %), 0 events/s, ETA …');
    expect(progressText(1000, undefined, 500)).toBe('1,000 events, 500 events/s');
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(duration(65)).toBe('1:05');
    expect(duration(3725)).toBe('1:02:05');
  });
});
