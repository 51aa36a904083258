// Rejected events are kept for correction, but the store must not hold plaintext personal
// information: the kept copy has IDs, names, phones and addresses masked.
import { createHash } from 'node:crypto';
import { EVENT_LIMITS } from './event-shape.js';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.js';

// A Map, not an object literal: a received key such as `valueOf` must not find Object.prototype's.
const MASKERS: ReadonlyMap<string, (v: string) => string> = new Map([
  ['id_number', maskIdNumber],
  ['name', maskName],
  ['contact_name', maskName],
  ['phone', maskPhone],
  ['contact_phone', maskPhone],
  ['address', maskAddress],
  ['destination', maskAddress],
  ['handover_note', (v: string) => (v.length === 0 ? '' : '***')],
]);

/**
 * Masks every string under a personal key, at any depth (a name sent as a list is still a name);
 * elsewhere anything shaped like an ID number or a mobile number, keys and numbers included.
 * Below EVENT_LIMITS.maxDepth the copy is cut: a refused event may be nested thousands deep and
 * this walk is recursive.
 */
function redactValue(key: string, value: unknown, inherited: ((v: string) => string) | undefined, depth: number): unknown {
  const mask = MASKERS.get(key) ?? inherited;
  if (mask && (typeof value === 'string' || typeof value === 'number')) return mask(String(value));
  if (value && typeof value === 'object') {
    if (depth >= EVENT_LIMITS.maxDepth) return '[…]';
    if (Array.isArray(value)) return value.map((v) => redactValue('', v, mask, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactFreeText(k), redactValue(k, v, mask, depth + 1)]));
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e10) {
    const masked = redactFreeText(String(value));
    return masked === String(value) ? value : masked;
  }
  return typeof value === 'string' ? redactFreeText(value) : value;
}

/** A received object with personal fields masked, as JSON text. */
export function redactEvent(raw: unknown): string {
  return JSON.stringify(redactValue('', raw, undefined, 0)) ?? 'null';
}

/**
 * Text that could not be parsed cannot be masked field by field (a name or an address is not
 * recognisable in it): keep only its length and a hash, enough to match it with the clinic's copy.
 */
export function unparsableSummary(text: string): string {
  return JSON.stringify({ unparsable: true, length: text.length, sha256: createHash('sha256').update(text).digest('hex').slice(0, 16) });
}

/** Free text: mask anything shaped like an ID number or a mobile number. */
export function redactFreeText(text: string): string {
  return text
    .replace(/(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)/g, (m) => maskIdNumber(m))
    .replace(/(?<!\d)1\d{10}(?!\d)/g, (m) => maskPhone(m));
}
