// Rejected events are kept for correction, but the store must not hold plaintext personal
// information: the kept copy has IDs, names, phones and addresses masked.
import { createHash } from 'node:crypto';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.js';

const MASKERS: Record<string, (v: string) => string> = {
  id_number: maskIdNumber,
  name: maskName,
  contact_name: maskName,
  phone: maskPhone,
  contact_phone: maskPhone,
  address: maskAddress,
  destination: maskAddress,
  handover_note: (v) => (v.length === 0 ? '' : '***'),
};

/** Masks every string under a personal key, at any depth (a name sent as a list is still a name). */
function redactValue(key: string, value: unknown, inherited?: (v: string) => string): unknown {
  const mask = MASKERS[key] ?? inherited;
  if (mask && (typeof value === 'string' || typeof value === 'number')) return mask(String(value));
  if (Array.isArray(value)) return value.map((v) => redactValue('', v, mask));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(k, v, mask)]));
  }
  return typeof value === 'string' ? redactFreeText(value) : value;
}

/** A received object with personal fields masked, as JSON text. */
export function redactEvent(raw: unknown): string {
  return JSON.stringify(redactValue('', raw)) ?? 'null';
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
