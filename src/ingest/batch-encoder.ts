// A normalised batch encoded as it is made: each accepted row becomes its TabSeparated line at
// once and is dropped, so a batch's parsed events and row objects are never all alive together
// (they were, and the garbage collector copied and promoted thousands of them per batch). What is
// kept is text: the insert chunks, the conflict check's identities, and each person's identity.
import { eventTsvLine, tsvText } from '../store/event-writer.js';
import type { EventRow, RejectedEvent } from '../transform/event-row.js';
import type { Identity } from '../transform/normalise-event.js';

/**
 * A normalised batch ready for the store: the good rows already as TabSeparated inserts (text is
 * what crosses from a normalising thread, not a million objects), the people they touch, and the
 * rejected events.
 */
export interface EncodedBatch {
  /** one insert each, at most `insertBatchRows` rows */
  chunks: Uint8Array[];
  accepted: number;
  /** person keys the rows are about, linked identifiers included (the maintained state refreshes them) */
  touched: string[];
  rejected: (RejectedEvent & { index: number })[];
  /** per stored row `index institution event_id content_hash source` (TSV lines): one string crosses a thread, not objects */
  identities: string;
  /**
   * per person of the batch `person_key identity` (TSV lines; the identity as JSON, the batch's
   * last): sealed on the main thread, which knows whose the store has (src/ingest/store-identities.ts)
   */
  people: string;
  receivedAt: number;
}

const encoder = new TextEncoder();

export class BatchEncoder {
  private readonly chunks: Uint8Array[] = [];
  private text = '';
  private rowsInChunk = 0;
  private accepted = 0;
  private identities = '';
  private readonly touched = new Set<string>();
  private readonly people = new Map<string, Identity>();

  constructor(private readonly chunkRows: number) {}

  add(row: EventRow, identity: Identity, index: number): void {
    const line = eventTsvLine(row);
    this.text += `${line}\n`;
    // The content hash is the line's last field; institution, event id and source are already TSV-escaped.
    this.identities += `${index}\t${tsvText(row.institution_code)}\t${tsvText(row.event_id)}\t${line.slice(line.lastIndexOf('\t') + 1)}\t${tsvText(row.source)}\n`;
    this.touched.add(row.person_key);
    if (row.linked_from) this.touched.add(row.linked_from);
    this.people.set(row.person_key, identity);
    this.accepted++;
    if (++this.rowsInChunk === this.chunkRows) this.closeChunk();
  }

  finish(rejected: EncodedBatch['rejected'], receivedAt: number): EncodedBatch {
    if (this.rowsInChunk > 0) this.closeChunk();
    let people = '';
    // JSON text has no raw tab or newline: a line splits cleanly.
    for (const [key, identity] of this.people) people += `${key}\t${JSON.stringify(identity)}\n`;
    return { chunks: this.chunks, accepted: this.accepted, touched: [...this.touched], rejected, identities: this.identities, people, receivedAt };
  }

  private closeChunk(): void {
    this.chunks.push(encoder.encode(this.text));
    this.text = '';
    this.rowsInChunk = 0;
  }
}
