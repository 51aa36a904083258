// A synthetic district: residents, their archives and services as clinic events, and the
// population denominators. Deterministic from the seed; events are streamed, never held.
import { buildEvent } from './build-event.js';
import { SequenceRegistry } from './identity.js';
import { buildLayout, type DistrictLayout, type LayoutOptions } from './layout.js';
import { auxResent, type Kind, RESENT } from './plan.js';
import { PopulationTally, type PopulationRow } from './population.js';
import { hashSeed, Random } from './random.js';
import { makeResident, type Resident, type SequenceSource } from './resident.js';
import { buildSchedule, type Schedule } from './schedule.js';

export type { PopulationRow } from './population.js';

export type GenerateOptions = LayoutOptions;

export interface SyntheticDistrict {
  /** events in emission order (the order a clinic would send them): plain objects as clinics send them */
  events(): Iterable<Record<string, unknown>>;
  /** per year (firstYear..year of until), per community (12-digit codes), per group */
  population: PopulationRow[];
  /** how many synthetic residents (including children born during the period) */
  residents: number;
  /** how many events `events()` yields (progress can then show a total and an ETA) */
  eventCount(): number;
}

const EVENT_STREAM = 0xe7e47;

export function generateDistrict(options: GenerateOptions): SyntheticDistrict {
  const layout = buildLayout(options);
  // One pass gives every resident a unique ID sequence number and counts the denominators.
  // The numbers are kept (6 bytes a resident: own, newborn's, mistyped) so residents can be
  // rebuilt later in any order.
  const registry = new SequenceRegistry(options.seed);
  const sequences = [new Uint16Array(layout.slotCount), new Uint16Array(layout.slotCount), new Uint16Array(layout.slotCount)] as const;
  const assign: SequenceSource = (slot, role, addressIndex, birthDay, sex) => {
    const seq = registry.assign(addressIndex, birthDay, sex);
    sequences[role][slot] = seq;
    return seq;
  };
  const tally = new PopulationTally(layout);
  let residents = 0;
  for (let slot = 0; slot < layout.slotCount; slot++) {
    const r = makeResident(layout, slot, assign);
    tally.add(r);
    residents += r.child ? 2 : 1;
  }
  const stored: SequenceSource = (slot, role) => sequences[role][slot] ?? 0;
  const residentOf = (slot: number) => makeResident(layout, slot, stored);

  let schedule: Schedule | undefined;
  return {
    residents,
    population: tally.rows(),
    eventCount() {
      schedule ??= buildSchedule(layout, residentOf);
      return schedule.count;
    },
    events() {
      // The schedule is built on first use and kept: it is small, and iterating again is then cheap.
      schedule ??= buildSchedule(layout, residentOf);
      return emitEvents(layout, schedule, residentOf);
    },
  };
}

function* emitEvents(layout: DistrictLayout, schedule: Schedule, residentOf: (slot: number) => Resident): Generator<Record<string, unknown>> {
  const counters = new Map<string, number>();
  for (let k = 0; k < schedule.count; k++) {
    const i = schedule.order[k] ?? 0;
    const ref = schedule.refs[i] ?? 0;
    const resident = residentOf(ref >>> 1);
    const subject = (ref & 1) === 1 ? resident.child : resident;
    if (!subject) throw new Error(`planned event for a missing child of slot ${ref >>> 1}`);
    const aux = schedule.aux[i] ?? 0;
    // A visit sent twice is planned right after the original: seeded like it, it is the same
    // record again (same day, same content), and only its event id differs.
    const ordinal = (schedule.ordinals[i] ?? 0) - (auxResent(aux) ? 1 : 0);
    const rng = new Random(hashSeed(layout.seed, ref, ordinal, EVENT_STREAM));
    const { institution, event } = buildEvent(layout, subject, (schedule.kinds[i] ?? 0) as Kind, aux & ~RESENT, schedule.days[i] ?? 0, rng);
    // A clinic numbers events as it sends them, so ids are unique per institution.
    const n = (counters.get(institution) ?? 0) + 1;
    counters.set(institution, n);
    event.event_id = `${institution}-${n}`;
    yield event;
  }
}
