// The first look at a received event, on the thread that parsed it: an event of a hostile shape
// (src/transform/event-shape.ts) becomes a refused event here, with its reasons and a masked copy,
// so that nothing recursive (validation, masking, the structured clone to a normalising thread)
// ever walks it, and it is rejected alone while the rest of its batch goes on.
import { createHash } from 'node:crypto';
import { EVENT_LIMITS, shapeReasons } from '../transform/event-shape.js';
import type { Reason } from '../transform/event-row.js';
import { redactEvent, redactFreeText } from '../transform/redact.js';
import type { ReceivedEvent } from './pipeline.js';

/** The envelope fields a rejection is filed under, masked (an ID number typed as an event id is still an ID number). */
export function envelopeField(value: unknown, key: string): string {
  const v = value && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? redactFreeText(String(v).slice(0, 256)) : '';
}

const hashOf = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** What is kept of an event too large to store: its size and a hash to match the clinic's copy. */
function oversizeSummary(value: unknown, text?: string | Uint8Array): string {
  let hashed = text;
  if (hashed === undefined) {
    try {
      hashed = JSON.stringify(value);
    } catch {
      hashed = '';
    }
  }
  return JSON.stringify({ refused: 'event_too_large', length: hashed.length, sha256: hashOf(hashed) });
}

function refused(value: unknown, reasons: Reason[], source: string, text?: string | Uint8Array): ReceivedEvent {
  const large = reasons.some((r) => r.code === 'event_too_large');
  return {
    kind: 'refused',
    source,
    reasons,
    institution_code: envelopeField(value, 'institution_code'),
    event_id: envelopeField(value, 'event_id'),
    type: envelopeField(value, 'type'),
    raw_masked: large ? oversizeSummary(value, text) : redactEvent(value),
  };
}

/** A parsed event, or refused for its shape. `text` is what it was parsed from, when known. */
export function screenParsed(value: unknown, source: string, text?: string | Uint8Array): ReceivedEvent {
  const reasons = shapeReasons(value, text?.length);
  return reasons.length === 0 ? { kind: 'parsed', value, source, screened: true } : refused(value, reasons, source, text);
}

/** Text too long to be one event is refused before it is parsed. */
export function isOversizeText(text: string | Uint8Array): boolean {
  return text.length > EVENT_LIMITS.maxBytes;
}

export function refusedOversizeText(text: string | Uint8Array, source: string): ReceivedEvent {
  return refused(undefined, shapeReasons(undefined, text.length), source, text);
}
