// Hostile shapes of a received event, found before anything else walks it: keys that reach into
// JavaScript's object machinery (`__proto__`, `constructor`, `valueOf`, …), nesting deeper than
// any real event, and events far larger than any real one. Such an event is rejected alone, with a
// reason; the validator, the masker and the structured clone to a normalising thread are all
// recursive, so an event 5,000 levels deep must never reach them.
import type { Reason } from './event-row.js';

export const EVENT_LIMITS = {
  /** a real event nests about five levels (data.past_history.diseases[0]); 32 leaves room */
  maxDepth: 32,
  /** JSON text of one event; the largest real events (full archive forms) stay under 8 KB */
  maxBytes: 64 * 1024,
} as const;

// Every name Object.prototype answers to, and `prototype`: as a key of a plain object each can
// shadow a method the code (or a library) calls, or, assigned, replace an object's prototype.
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

// Rough JSON length of a scalar (quotes and separators included): a bound, not a byte count.
function scalarSize(value: unknown): number {
  return typeof value === 'string' ? value.length + 3 : 8;
}

/** The state of one walk: what was found, how large it looks, and where it is. */
interface Walk {
  reasons: Reason[];
  size: number;
  /** estimate the size (the transport did not say it) */
  estimate: boolean;
  /** keys (or array indexes) from the root to the node being visited */
  path: (string | number)[];
}

/**
 * Visits a node and what it holds, in the order of a depth-first walk that takes an object's
 * keys last to first and an array's items first to last; answers a problem that stops the walk.
 * Recursion is bounded: an object at the depth limit stops the walk before its children.
 */
function visit(walk: Walk, v: unknown, depth: number): Reason | undefined {
  if (v === null || typeof v !== 'object') {
    walk.size += scalarSize(v);
  } else {
    if (depth >= EVENT_LIMITS.maxDepth) return tooDeep();
    if (Array.isArray(v)) {
      walk.size += 2 + v.length;
      if (walk.estimate && walk.size > EVENT_LIMITS.maxBytes) return tooLarge();
      for (let i = 0; i < v.length; i++) {
        walk.path.push(i);
        const stop = visit(walk, v[i], depth + 1);
        walk.path.pop();
        if (stop) return stop;
      }
      return undefined;
    }
    const keys = Object.keys(v);
    for (const key of keys) {
      walk.size += key.length + 4;
      if (FORBIDDEN_KEYS.has(key) && walk.reasons.length < 5) {
        walk.reasons.push({ path: [...walk.path, key].join('.'), code: 'key_forbidden', message: `the key ${key} is not allowed in an event` });
      }
    }
    if (walk.estimate && walk.size > EVENT_LIMITS.maxBytes) return tooLarge();
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      if (FORBIDDEN_KEYS.has(key)) continue;
      walk.path.push(key);
      const stop = visit(walk, (v as Record<string, unknown>)[key], depth + 1);
      walk.path.pop();
      if (stop) return stop;
    }
    return undefined;
  }
  return walk.estimate && walk.size > EVENT_LIMITS.maxBytes ? tooLarge() : undefined;
}

/**
 * Why a parsed event must be refused before validation (empty: it may go on). One walk, stopped
 * at the first size or depth problem, allocating nothing for a sound event (it runs on every
 * event); `knownBytes` is the text length when the transport knows it (a Kafka message, an NDJSON
 * line), else the size is estimated during the walk.
 */
export function shapeReasons(value: unknown, knownBytes?: number): Reason[] {
  if (knownBytes !== undefined && knownBytes > EVENT_LIMITS.maxBytes) return [tooLarge()];
  const walk: Walk = { reasons: [], size: 0, estimate: knownBytes === undefined, path: [] };
  const stop = visit(walk, value, 0);
  return stop ? [...walk.reasons, stop] : walk.reasons;
}

const tooDeep = (): Reason => ({ path: '(event)', code: 'event_too_deep', message: `nested deeper than ${EVENT_LIMITS.maxDepth} levels` });
const tooLarge = (): Reason => ({ path: '(event)', code: 'event_too_large', message: `more than ${EVENT_LIMITS.maxBytes / 1024} KB of JSON` });
