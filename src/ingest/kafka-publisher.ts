// Putting events on the Kafka topic (`hap produce`, and POST /v1/events in Kafka mode).
// The message key is the person's keyed hash, so one person's events share a partition and
// keep their order; the value is the event exactly as received (the worker validates it).
import { personKey } from '../transform/pseudonym.js';
import type { BusProducer, OutgoingMessage } from '../kafka/bus.js';
import { normaliseBatch, type PipelineDeps, type ReceivedEvent } from './pipeline.js';

/** A message the publisher refused (its reasons, JSON): the worker stores it as rejected. */
export const REFUSED_HEADER = 'hap-refused';

export interface PublishOutcome {
  published: number;
  accepted: number;
  rejected: { index: number; event_id: string; reasons: { path: string; code: string; message: string }[] }[];
}

function rawIdNumber(value: unknown): string | undefined {
  const id = (value as { person?: { id_number?: unknown } } | null)?.person?.id_number;
  return typeof id === 'string' ? id : undefined;
}

/** Messages for a batch, with the validation answer clinics get at once. */
export function messagesFor(events: readonly ReceivedEvent[], deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey'>): { messages: OutgoingMessage[]; outcome: Omit<PublishOutcome, 'published'> } {
  const checked = normaliseBatch(events, deps, Date.now());
  const keys = new Map<number, string>();
  let r = 0;
  events.forEach((_e, index) => {
    if (checked.rejected[r]?.index === index) {
      r++;
      return;
    }
    keys.set(index, checked.rows[index - r]!.person_key);
  });
  const messages = events.map((event, index): OutgoingMessage => {
    if (event.kind === 'unparsable') return { key: null, value: event.text, headers: { 'hap-source': event.source } };
    // A refused event travels as its masked copy only: the worker files it as a rejection too.
    if (event.kind === 'refused') return { key: null, value: event.raw_masked, headers: { 'hap-source': event.source } };
    // An event the worker will reject still travels with a stable key (its raw ID text hashed).
    const raw = rawIdNumber(event.value);
    const key = keys.get(index) ?? (raw ? personKey(deps.pseudonymKey, 'raw', raw) : null);
    const headers: Record<string, string> = { 'hap-source': event.source };
    if (event.refused) headers[REFUSED_HEADER] = JSON.stringify(event.refused);
    return { key, value: JSON.stringify(event.value), headers };
  });
  return {
    messages,
    outcome: {
      accepted: checked.rows.length,
      rejected: checked.rejected.map((x) => ({ index: x.index, event_id: x.event_id, reasons: x.reasons })),
    },
  };
}

export async function publishEvents(events: readonly ReceivedEvent[], producer: BusProducer, topic: string, deps: Pick<PipelineDeps, 'reference' | 'pseudonymKey'>): Promise<PublishOutcome> {
  const { messages, outcome } = messagesFor(events, deps);
  await producer.send(topic, messages);
  return { published: messages.length, ...outcome };
}
