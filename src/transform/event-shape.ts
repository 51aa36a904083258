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

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string;
}

function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(f.key);
  return keys.reverse().join('.') || '(event)';
}

// Rough JSON length of a scalar (quotes and separators included): a bound, not a byte count.
function scalarSize(value: unknown): number {
  return typeof value === 'string' ? value.length + 3 : 8;
}

/**
 * Why a parsed event must be refused before validation (empty: it may go on). One iterative walk,
 * stopped at the first size or depth problem; `knownBytes` is the text length when the transport
 * knows it (a Kafka message, an NDJSON line), else the size is estimated during the walk.
 */
export function shapeReasons(value: unknown, knownBytes?: number): Reason[] {
  const reasons: Reason[] = [];
  if (knownBytes !== undefined && knownBytes > EVENT_LIMITS.maxBytes) return [tooLarge()];
  let size = 0;
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (v === null || typeof v !== 'object') {
      size += scalarSize(v);
    } else {
      if (frame.depth >= EVENT_LIMITS.maxDepth) return [...reasons, tooDeep()];
      if (Array.isArray(v)) {
        size += 2 + v.length;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: frame.depth + 1, parent: frame, key: String(i) });
      } else {
        for (const key of Object.keys(v)) {
          size += key.length + 4;
          if (FORBIDDEN_KEYS.has(key)) {
            if (reasons.length < 5) reasons.push({ path: pathOf({ value: undefined, depth: 0, parent: frame, key }), code: 'key_forbidden', message: `the key ${key} is not allowed in an event` });
            continue;
          }
          stack.push({ value: (v as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
        }
      }
    }
    if (knownBytes === undefined && size > EVENT_LIMITS.maxBytes) return [...reasons, tooLarge()];
  }
  return reasons;
}

const tooDeep = (): Reason => ({ path: '(event)', code: 'event_too_deep', message: `nested deeper than ${EVENT_LIMITS.maxDepth} levels` });
const tooLarge = (): Reason => ({ path: '(event)', code: 'event_too_large', message: `more than ${EVENT_LIMITS.maxBytes / 1024} KB of JSON` });
