// Colour of a rate against its target, by a declaration's thresholds (pure: imported by tests).

export const COLOURS = { green: '#16a34a', amber: '#f59e0b', red: '#dc2626', none: '#9ca3af' };
export const STATUS_LABELS = { green: '达标 met', amber: '未达标 below target', red: '差距大 far below', none: '无法评价 n/a' };

/**
 * green at or above amber_below × target, amber below it, red below red_below × target; `none`
 * without a rate, without a target, or with a data problem (a rate that cannot be trusted).
 */
export function statusOf(row, target, thresholds = { amber_below: 1, red_below: 0.8 }) {
  if (!row || row.data_problem || row.rate === null || row.rate === undefined) return 'none';
  if (target === null || target === undefined) return 'none';
  // A rate exactly at a threshold is not below it (0.8 × 0.9 is 0.7200000000000001 in floating point).
  const below = (factor) => row.rate < factor * target - 1e-9;
  if (below(thresholds.red_below)) return 'red';
  if (below(thresholds.amber_below)) return 'amber';
  return 'green';
}
