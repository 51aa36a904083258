// What a transport hands received events to, and what it answers: the store (embedded mode) or
// Kafka. The API's POST /v1/events and the Kafka wiring both speak this; it belongs to ingest.
import type { IngestMetrics } from './ingest-metrics.js';
import type { EventBus } from '../kafka/bus.js';
import type { ReceivedEvent } from './pipeline.js';

export interface AcceptOutcome {
  accepted: number;
  rejected: { index: number; event_id: string; reasons: { path: string; code: string; message: string }[] }[];
  /** event ids sent again with another content than the copy kept (known where the store answers) */
  conflicts: { index: number; event_id: string; message: string }[];
}

/** Where accepted events go: the store (embedded) or Kafka. */
export type AcceptEvents = (events: ReceivedEvent[]) => Promise<AcceptOutcome>;

/** What the ingest status answers from: this process's metrics, and the Kafka group when consuming. */
export interface IngestStatusOptions {
  metrics: IngestMetrics;
  kafka?: { bus: EventBus; topic: string; group: string };
}
