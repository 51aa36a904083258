// Normalisation in a pool of worker threads: parsing, validation, pseudonyms and the TSV
// encoding are per-event JavaScript work, independent between events, and were the bound of
// ingest on one thread (see BENCHMARKS.md). The main thread keeps the transport and the store.
// Messages cross as one concatenated buffer (transferred, not copied); batches come back as TSV
// bytes (transferred), so no per-event object crosses a thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../transform/sealing.js';
import type { EncodedBatch, Normaliser, RawMessage, ReceivedEvent } from './pipeline.js';

/** What a thread needs to normalise on its own: the same inputs the runtime has. */
export interface ThreadSetup {
  region: string;
  institutionFiles: readonly string[];
  pseudonymKey: Uint8Array;
  keyring?: Keyring;
  insertBatchRows: number;
}

export type ThreadTask =
  | { id: number; kind: 'messages'; bytes: Uint8Array; lengths: Int32Array; sources: string[]; refused: RawMessage['refused'][]; receivedAt: number }
  | { id: number; kind: 'events'; events: readonly ReceivedEvent[]; receivedAt: number };

export type ThreadReply = { id: number; ok: true; batch: EncodedBatch } | { id: number; ok: false; error: string };

// Compiled, the thread sits beside this module; under vitest (sources run as TypeScript) it is
// taken from the build that `npm test` makes first.
function threadScript(): URL {
  const beside = new URL('./normaliser-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/ingest/normaliser-thread.js', import.meta.url);
}

/** Messages as one buffer and their lengths (−1 for a tombstone): one transfer per batch. */
export function packMessages(messages: readonly RawMessage[]): { bytes: Uint8Array; lengths: Int32Array } {
  const lengths = new Int32Array(messages.length);
  let total = 0;
  messages.forEach((m, i) => {
    lengths[i] = m.value === null ? -1 : m.value.length;
    total += m.value?.length ?? 0;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const m of messages) {
    if (m.value === null) continue;
    bytes.set(m.value, at);
    at += m.value.length;
  }
  return { bytes, lengths };
}

/** The inverse of packMessages, given the sources. */
export function unpackMessages(bytes: Uint8Array, lengths: Int32Array, sources: readonly string[], refused: readonly RawMessage['refused'][] = []): RawMessage[] {
  const messages: RawMessage[] = [];
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i]!;
    const reasons = refused[i];
    messages.push({ value: n < 0 ? null : bytes.subarray(at, at + n), source: sources[i]!, ...(reasons ? { refused: reasons } : {}) });
    if (n > 0) at += n;
  }
  return messages;
}

interface Pending {
  resolve: (batch: EncodedBatch) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number | null;
}

export class NormaliserPool implements Normaliser {
  private readonly slots: Slot[] = [];
  private readonly queue: { task: ThreadTask; transfer: ArrayBuffer[] }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** threads that died in a row without answering: a setup that cannot load stops the respawns */
  private failuresInARow = 0;
  private broken?: Error;

  constructor(
    private readonly setup: ThreadSetup,
    size: number,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  fromMessages(messages: readonly RawMessage[], receivedAt: number): Promise<EncodedBatch> {
    const { bytes, lengths } = packMessages(messages);
    return this.submit({ id: this.nextId++, kind: 'messages', bytes, lengths, sources: messages.map((m) => m.source), refused: messages.map((m) => m.refused), receivedAt }, [bytes.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
  }

  fromEvents(events: readonly ReceivedEvent[], receivedAt: number): Promise<EncodedBatch> {
    return this.submit({ id: this.nextId++, kind: 'events', events, receivedAt }, []);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('normaliser pool closed'));
    this.pending.clear();
    this.queue.length = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(threadScript(), { workerData: this.setup });
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on('message', (reply: ThreadReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      slot.busy = null;
      this.failuresInARow = 0;
      if (pending) {
        if (reply.ok) pending.resolve(reply.batch);
        else pending.reject(new Error(reply.error));
      }
      this.dispatch();
    });
    // A thread that dies fails its task (the caller retries or sets the batch aside) and is
    // replaced; the others go on.
    worker.on('error', (error) => this.replace(slot, error));
    worker.on('exit', (code) => {
      if (!this.closed && code !== 0) this.replace(slot, new Error(`normaliser thread exited with code ${code}`));
    });
    return slot;
  }

  private replace(slot: Slot, error: Error): void {
    if (slot.busy !== null) {
      this.pending.get(slot.busy)?.reject(error);
      this.pending.delete(slot.busy);
    }
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    void slot.worker.terminate();
    if (++this.failuresInARow >= 3) {
      this.broken = new Error(`normaliser threads cannot start: ${error.message}`);
      for (const p of this.pending.values()) p.reject(this.broken);
      this.pending.clear();
      this.queue.length = 0;
      return;
    }
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private submit(task: ThreadTask, transfer: ArrayBuffer[]): Promise<EncodedBatch> {
    if (this.closed) return Promise.reject(new Error('normaliser pool closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<EncodedBatch>((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      this.queue.push({ task, transfer });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy !== null) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = next.task.id;
      slot.worker.postMessage(next.task, next.transfer);
    }
  }
}
