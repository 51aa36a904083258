// Identical rejected events of one batch are stored once, with their number: a body of a
// million `{}` is one stored rejection with copies = 1,000,000, not a million rows. Identical
// means the same masked content and the same reasons (the source position differs by nature;
// the first one's is kept).
import { createHash } from 'node:crypto';
import type { RejectedEvent } from '../transform/event-row.js';

function contentKey(r: RejectedEvent): string {
  const hash = createHash('sha256');
  hash.update(`${r.institution_code}\u0000${r.event_id}\u0000${r.type}\u0000${r.raw_masked}\u0000`);
  for (const reason of r.reasons) hash.update(`${reason.path}\u0000${reason.code}\u0000${reason.message}\u0000`);
  return hash.digest('base64');
}

export function collapseRejections<T extends RejectedEvent>(rejected: readonly T[]): RejectedEvent[] {
  const byContent = new Map<string, RejectedEvent>();
  for (const r of rejected) {
    const key = contentKey(r);
    const first = byContent.get(key);
    if (first) first.copies = (first.copies ?? 1) + (r.copies ?? 1);
    else {
      const { index: _, ...row } = r as T & { index?: number };
      byContent.set(key, { ...row, copies: r.copies ?? 1 });
    }
  }
  return [...byContent.values()];
}
