// Turning received text into events: NDJSON (one event a line), a JSON array, or CSV with one
// column per flattened field (`person.id_number`, `data.residence.division_code`, …).
import { parse as parseCsv } from 'csv-parse/sync';
import { isForbiddenKey } from '../transform/event-shape.js';
import type { RawMessage, ReceivedEvent } from './pipeline.js';
import { isOversizeText, refusedOversizeText, screenParsed } from './screen-event.js';

export type SourceOf = (position: number) => string;

/**
 * V8's JSON.parse messages quote the offending text, which may be personal: keep the position only.
 */
export function jsonErrorMessage(error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error)?.message ?? ''));
  return position ? `not valid JSON (at character ${position[1]})` : 'not valid JSON';
}

/** A transport's message as a received event: JSON, or unparsable with the reason. */
export function receivedFromMessage(message: RawMessage): ReceivedEvent {
  const { value, source, refused } = message;
  if (value === null || value.length === 0) return { kind: 'unparsable', text: '', error: 'empty message (tombstone)', source };
  if (isOversizeText(value)) return refusedOversizeText(value, source);
  // Buffer's own UTF-8 decoding is faster than TextDecoder's (a view, no copy).
  const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  try {
    const screened = screenParsed(JSON.parse(text), source, value);
    return refused && screened.kind === 'parsed' && !screened.refused ? { ...screened, refused } : screened;
  } catch (error) {
    return { kind: 'unparsable', text, error: jsonErrorMessage(error), source };
  }
}

/** Lines of NDJSON; blank lines are skipped, a line that is not JSON becomes an unparsable event. */
export function eventsFromNdjson(text: string, sourceOf: SourceOf, firstLine = 1): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const source = sourceOf(firstLine + i);
    if (isOversizeText(trimmed)) {
      events.push(refusedOversizeText(trimmed, source));
      return;
    }
    try {
      events.push(screenParsed(JSON.parse(trimmed), source, trimmed));
    } catch (error) {
      events.push({ kind: 'unparsable', text: trimmed, error: jsonErrorMessage(error), source });
    }
  });
  return events;
}

/** A JSON array (or one object); its elements are numbered from 0. */
export function eventsFromJsonText(text: string, sourceOf: SourceOf): ReceivedEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [{ kind: 'unparsable', text, error: jsonErrorMessage(error), source: sourceOf(0) }];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => screenParsed(v, sourceOf(i)));
}

/** Body of `POST /v1/events` or a file: a JSON array when it starts with `[`, else NDJSON. */
export function eventsFromText(text: string, sourceOf: SourceOf): ReceivedEvent[] {
  return text.trimStart().startsWith('[') ? eventsFromJsonText(text, (i) => sourceOf(i)) : eventsFromNdjson(text, sourceOf, 1);
}

// CSV cells are text; these leaves are numbers in the event contract. Everything else stays
// text (an ID number or archive number must never pass through a float).
const NUMERIC_LEAVES = new Set([
  'schema_version', 'bp_systolic', 'bp_diastolic', 'height_cm', 'weight_kg', 'waist_cm', 'heart_rate',
  'fasting_glucose_mmol', 'gestational_weeks', 'doses_due', 'doses_taken', 'self_care_score', 'live_births',
]);
const LIST_LEAVES = new Set([
  'payment_methods', 'drug_allergies', 'exposures', 'family_history', 'disabilities', 'diseases', 'surgeries', 'traumas', 'transfusions',
  'guidance', 'tcm_guidance',
]);

function csvCell(leaf: string, cell: string): unknown {
  if (NUMERIC_LEAVES.has(leaf) && /^-?\d+(\.\d+)?$/.test(cell)) return Number(cell);
  if (cell.startsWith('[') || cell.startsWith('{')) {
    try {
      return JSON.parse(cell);
    } catch {
      return cell;
    }
  }
  if (LIST_LEAVES.has(leaf) && cell !== 'none' && cell !== '无') return cell.split('|').map((s) => s.trim()).filter(Boolean);
  return cell;
}

/**
 * Rebuilds nested events from flattened columns; an empty cell means the field is absent. The
 * objects have no prototype, so a header such as `__proto__.x` names a plain key (which the
 * screening then refuses) and can never reach Object.prototype.
 */
export function eventsFromCsv(text: string, sourceOf: SourceOf): ReceivedEvent[] {
  const records = parseCsv(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  return records.map((record, i) => {
    const event: Record<string, unknown> = Object.create(null);
    for (const [column, cell] of Object.entries(record)) {
      if (cell === undefined || cell === '') continue;
      const path = column.trim().split('.');
      let node = event;
      for (const key of path.slice(0, -1)) {
        if (typeof node[key] !== 'object' || node[key] === null || !Object.hasOwn(node, key)) node[key] = Object.create(null);
        node = node[key] as Record<string, unknown>;
      }
      const leaf = path[path.length - 1]!;
      node[leaf] = isForbiddenKey(leaf) ? cell : csvCell(leaf, cell);
    }
    // Line numbers: the header is line 1.
    return screenParsed(event, sourceOf(i + 2));
  });
}
