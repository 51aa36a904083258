// The district's emission order. Every planned happening is kept as ~20 bytes in typed arrays
// (who, when, what), sorted once by the day it is sent; the events themselves are built one
// at a time while iterating, so memory stays far below the size of the event file.
import type { DistrictLayout } from './layout.js';
import { type Kind, planEvents } from './plan.js';
import { hashSeed, Random } from './random.js';
import type { Resident } from './resident.js';

const SCHEDULE_STREAM = 0x5c4e;
/** Share of events a clinic sends late (batch uploads, paper forms typed in later). */
const LATE_SHARE = 0.02;
/**
 * The local shuffle: each event is sent within this many days after it happened, in quarter-day
 * steps, so emission order is bounded-disordered in time whatever the scale (a buffer counted
 * in events would span hours at scale 1 but years in the sparse pre-period archive backlog).
 */
const SHUFFLE_DAYS = 3;
const SLOTS_PER_DAY = 4;

export interface Schedule {
  count: number;
  /** resident ref (slot × 2, + 1 for a child born during the period) */
  refs: Uint32Array;
  days: Int32Array;
  kinds: Uint8Array;
  aux: Uint16Array;
  /** position in the resident's plan: seeds the event's own generator */
  ordinals: Uint16Array;
  /** indexes into the arrays above, in emission order */
  order: Uint32Array;
}

class Growing {
  count = 0;
  refs: Uint32Array;
  days: Int32Array;
  kinds: Uint8Array;
  aux: Uint16Array;
  ordinals: Uint16Array;
  /** when the event is sent, in quarter days */
  sendSlots: Int32Array;

  constructor(capacity: number) {
    this.refs = new Uint32Array(capacity);
    this.days = new Int32Array(capacity);
    this.kinds = new Uint8Array(capacity);
    this.aux = new Uint16Array(capacity);
    this.ordinals = new Uint16Array(capacity);
    this.sendSlots = new Int32Array(capacity);
  }

  push(ref: number, day: number, kind: number, aux: number, ordinal: number, sendSlot: number): void {
    if (this.count === this.refs.length) this.grow();
    const i = this.count++;
    this.refs[i] = ref;
    this.days[i] = day;
    this.kinds[i] = kind;
    this.aux[i] = aux;
    this.ordinals[i] = ordinal;
    this.sendSlots[i] = sendSlot;
  }

  private grow(): void {
    const size = Math.ceil(this.refs.length * 1.5) + 1024;
    const copy = <T extends Uint32Array | Int32Array | Uint8Array | Uint16Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.refs = copy(this.refs, new Uint32Array(size));
    this.days = copy(this.days, new Int32Array(size));
    this.kinds = copy(this.kinds, new Uint8Array(size));
    this.aux = copy(this.aux, new Uint16Array(size));
    this.ordinals = copy(this.ordinals, new Uint16Array(size));
    this.sendSlots = copy(this.sendSlots, new Int32Array(size));
  }
}

/**
 * Plans every resident and orders the plan by sending time: within a few days of the event,
 * ties broken at random (clinics do not send in resident order); ~2% are sent months late.
 */
export function buildSchedule(layout: DistrictLayout, residentOf: (slot: number) => Resident): Schedule {
  const rng = new Random(hashSeed(layout.seed, SCHEDULE_STREAM));
  const g = new Growing(Math.max(1024, layout.slotCount * 5));
  for (let slot = 0; slot < layout.slotCount; slot++) {
    const resident = residentOf(slot);
    for (const subject of resident.child ? [resident, resident.child] : [resident]) {
      let ordinal = 0;
      planEvents(layout, subject, (day: number, kind: Kind, aux: number) => {
        const late = rng.chance(LATE_SHARE) ? rng.int(45, 240) * SLOTS_PER_DAY : 0;
        const sendSlot = day * SLOTS_PER_DAY + late + rng.int(0, SHUFFLE_DAYS * SLOTS_PER_DAY - 1);
        g.push(subject.ref, day, kind, aux, ordinal++, sendSlot);
      });
      if (ordinal > 0xffff) throw new Error(`resident ${subject.ref} has more than 65,535 planned events`);
    }
  }

  // Sort (send slot, random tie-break, index) packed into one float: a native numeric sort of
  // a Float64Array is far faster and leaner than sorting objects with a comparator.
  let minSlot = Number.POSITIVE_INFINITY;
  let maxSlot = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < g.count; i++) {
    const slot = g.sendSlots[i] ?? 0;
    if (slot < minSlot) minSlot = slot;
    if (slot > maxSlot) maxSlot = slot;
  }
  const indexBits = Math.max(1, Math.ceil(Math.log2(g.count + 1)));
  const slotBits = Math.max(1, Math.ceil(Math.log2(maxSlot - minSlot + 2)));
  const tieBits = Math.max(0, Math.min(20, 53 - indexBits - slotBits));
  const indexSpan = 2 ** indexBits;
  const tieSpan = 2 ** tieBits;
  const keys = new Float64Array(g.count);
  for (let i = 0; i < g.count; i++) {
    const tie = Math.floor(rng.next() * tieSpan);
    keys[i] = ((g.sendSlots[i] ?? 0) - minSlot) * tieSpan * indexSpan + tie * indexSpan + i;
  }
  keys.sort();
  const order = new Uint32Array(g.count);
  for (let k = 0; k < g.count; k++) order[k] = (keys[k] ?? 0) % indexSpan;

  return {
    count: g.count,
    refs: g.refs.subarray(0, g.count),
    days: g.days.subarray(0, g.count),
    kinds: g.kinds.subarray(0, g.count),
    aux: g.aux.subarray(0, g.count),
    ordinals: g.ordinals.subarray(0, g.count),
    order,
  };
}
