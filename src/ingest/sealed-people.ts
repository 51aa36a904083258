// Whose identity the store already holds sealed, so that an identity is sealed and stored once per
// person (and again when it changes), not once per batch: a person's events arrive spread over
// many batches, and sealing each batch's people cost ingest an AES-GCM encryption and an
// identities row per event (BENCHMARKS.md, runs of 2026-11-28).
//
// `identities` keeps, per person, the row with the latest `received_at` (ReplacingMergeTree), and
// a reveal opens that row. Skipping a batch's identity must leave that answer what it would have
// been had every batch stored its own: the identity of the latest batch received. So an entry
// remembers the identity stored (by fingerprint) and the latest receipt it was seen in; an
// identity older than that sighting is superseded and skipped. An entry is written only for what
// the store has (after the insert), one batch at a time (`exclusively`).
//
// Bounded: a two-way set-associative table of typed arrays (20 bytes a slot, no object per
// person). A person pushed out is sealed again when next seen; the latest receipt ever pushed
// out is kept, and an identity first seen before it is not remembered (its person may have been
// stored later, then pushed out).
//
// One process's view: it holds while each person's batches go through one process at a time (a
// person's Kafka messages share a partition; src/ingest/kafka-worker.ts forgets everything when a
// partition's offsets do not follow on, as after another consumer had it).

export type SealDecision = 'seal' | 'stored' | 'superseded';

/** A 32-bit FNV-1a of an identity's text: tells a changed identity from the one stored (not a security hash). */
export function identityFingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SealedPeople {
  private readonly keyHigh: Uint32Array;
  private readonly keyLow: Uint32Array;
  private readonly fingerprints: Uint32Array;
  /** latest receipt the stored identity was seen in; 0: an empty slot */
  private readonly seenAt: Float64Array;
  private readonly setMask: number;
  private pushedOutUpTo = 0;
  private turn: Promise<unknown> = Promise.resolve();

  /** `slots`: a power of two, two per set */
  constructor(slots = 1 << 19) {
    if (slots < 2 || (slots & (slots - 1)) !== 0) throw new Error(`slots must be a power of two, got ${slots}`);
    this.keyHigh = new Uint32Array(slots);
    this.keyLow = new Uint32Array(slots);
    this.fingerprints = new Uint32Array(slots);
    this.seenAt = new Float64Array(slots);
    this.setMask = slots / 2 - 1;
  }

  /** What to do with a batch's identity of a person (`personKey`: the hex person key). */
  decide(personKey: string, fingerprint: number, at: number): SealDecision {
    const slot = this.find(personKey);
    if (slot < 0) return 'seal';
    if (this.fingerprints[slot] === fingerprint) return 'stored';
    return at < this.seenAt[slot]! ? 'superseded' : 'seal';
  }

  /** After the store has the batch's identities: records what `decide` answered. */
  remember(personKey: string, fingerprint: number, at: number, decision: SealDecision): void {
    const slot = this.find(personKey);
    if (decision === 'stored') {
      if (slot >= 0) this.seenAt[slot] = Math.max(this.seenAt[slot]!, at);
      return;
    }
    if (decision === 'superseded') return;
    if (slot >= 0) {
      this.fingerprints[slot] = fingerprint;
      this.seenAt[slot] = at;
      return;
    }
    if (at < this.pushedOutUpTo) return;
    const [high, low] = keyOf(personKey);
    const first = (low & this.setMask) * 2;
    // The empty or the least recently seen of the two.
    const target = this.seenAt[first]! <= this.seenAt[first + 1]! ? first : first + 1;
    this.pushedOutUpTo = Math.max(this.pushedOutUpTo, this.seenAt[target]!);
    this.keyHigh[target] = high;
    this.keyLow[target] = low;
    this.fingerprints[target] = fingerprint;
    this.seenAt[target] = at;
  }

  /** Forgets every person: the store may have been written by someone else meanwhile. */
  forget(): void {
    this.seenAt.fill(0);
    this.pushedOutUpTo = 0;
  }

  /** Runs `work` after the previous one finished: a batch decides on what the last one stored. */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => {});
    return result;
  }

  private find(personKey: string): number {
    const [high, low] = keyOf(personKey);
    const first = (low & this.setMask) * 2;
    for (let slot = first; slot < first + 2; slot++) {
      if (this.seenAt[slot]! > 0 && this.keyLow[slot] === low && this.keyHigh[slot] === high) return slot;
    }
    return -1;
  }
}

/** 64 bits of a hex person key (an HMAC: uniformly spread). */
function keyOf(personKey: string): [number, number] {
  return [Number.parseInt(personKey.slice(0, 8), 16) >>> 0, Number.parseInt(personKey.slice(8, 16), 16) >>> 0];
}
