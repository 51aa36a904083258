// Rejected events are kept for correction, but the store must not hold plaintext personal
// information: the kept copy has IDs, names, phones and addresses masked.
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.js';

const MASKERS: Record<string, (v: string) => string> = {
  id_number: maskIdNumber,
  name: maskName,
  contact_name: maskName,
  phone: maskPhone,
  contact_phone: maskPhone,
  address: maskAddress,
};

function redactValue(key: string, value: unknown): unknown {
  const mask = MASKERS[key];
  if (mask && (typeof value === 'string' || typeof value === 'number')) return mask(String(value));
  if (Array.isArray(value)) return value.map((v) => redactValue('', v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(k, v)]));
  }
  return typeof value === 'string' ? redactFreeText(value) : value;
}

/** A received object with personal fields masked, as JSON text. */
export function redactEvent(raw: unknown): string {
  return JSON.stringify(redactValue('', raw)) ?? 'null';
}

/** Text that could not be parsed: mask anything shaped like an ID number or a mobile number. */
export function redactFreeText(text: string): string {
  return text
    .replace(/(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)/g, (m) => maskIdNumber(m))
    .replace(/(?<!\d)1\d{10}(?!\d)/g, (m) => maskPhone(m));
}
