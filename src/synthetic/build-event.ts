// One planned happening → one event as a clinic system would send it (CONTRACT §1): the
// envelope, a person block that is sometimes full and sometimes only the ID, and the data.
import { archiveCreatedData, dateText, moveUpdateData, phoneUpdateData, terminationData } from './archive-form.js';
import { isoDay } from './calendar.js';
import { noisyIdNumber } from './identity.js';
import type { DistrictLayout } from './layout.js';
import { Kind } from './plan.js';
import type { Random } from './random.js';
import { communityAt, type Resident, residentId } from './resident.js';
import { enrolData, exitData, followupData, healthCheckData, serviceData } from './services.js';

export interface BuiltEvent {
  institution: string;
  /** the event without its `event_id`, which the sending clinic assigns in sending order */
  event: Record<string, unknown>;
}

/** The institution that serves the street the person lives in on that day. */
export function institutionAt(layout: DistrictLayout, r: Resident, day: number): string {
  const community = layout.communities[communityAt(r, day)];
  return layout.streets[community?.street ?? 0]?.institution ?? '';
}

const two = (n: number) => String(n).padStart(2, '0');

/** Bare dates from some systems, Beijing date-times within clinic hours from others. */
function occurredAt(day: number, rng: Random): string {
  if (rng.chance(0.35)) return isoDay(day);
  const minute = rng.chance(0.55) ? rng.int(510, 719) : rng.int(870, 1049);
  return `${isoDay(day)}T${two(Math.floor(minute / 60))}:${two(minute % 60)}:${two(rng.int(0, 59))}+08:00`;
}

function personBlock(layout: DistrictLayout, r: Resident, rng: Random, archiveEvent: boolean): Record<string, unknown> {
  const person: Record<string, unknown> = {};
  if (rng.chance(0.25)) person.id_type = 'resident_id';
  person.id_number = noisyIdNumber(residentId(layout, r), rng).text;
  if (archiveEvent || rng.chance(0.9)) person.name = r.name;
  // Archive forms usually carry sex and birth date; service records often only the ID.
  if (rng.chance(archiveEvent ? 0.85 : 0.35)) {
    const sex = rng.chance(0.003) ? 3 - r.sex : r.sex; // a clerk's slip the pipeline must flag
    person.sex = rng.weighted<string | number>([[String(sex), 60], [sex === 1 ? '男' : '女', 25], [sex, 15]]);
  }
  if (rng.chance(archiveEvent ? 0.85 : 0.25)) person.birth_date = dateText(r.birthDay, rng);
  return person;
}

export function buildEvent(layout: DistrictLayout, r: Resident, kind: Kind, aux: number, day: number, rng: Random): BuiltEvent {
  const archiveEvent = kind === Kind.archive || kind === Kind.duplicate;
  const institution = kind === Kind.duplicate ? r.duplicateInstitution : institutionAt(layout, r, day);
  const occurred = occurredAt(day, rng);
  const person = personBlock(layout, r, rng, archiveEvent);
  let type: string;
  let data: Record<string, unknown>;
  switch (kind) {
    case Kind.archive:
    case Kind.duplicate:
      type = 'archive.created';
      data = archiveCreatedData(layout, r, day, rng, kind === Kind.duplicate);
      break;
    case Kind.phoneUpdate:
      type = 'archive.updated';
      data = phoneUpdateData(r, rng);
      break;
    case Kind.moveUpdate:
      type = 'archive.updated';
      data = moveUpdateData(layout, r);
      break;
    case Kind.terminate:
      type = 'archive.terminated';
      data = terminationData(r, day, rng);
      break;
    case Kind.enrol:
      type = 'program.enrolled';
      data = enrolData(r, day, aux, rng);
      break;
    case Kind.exit:
      type = 'program.exited';
      data = exitData(day, aux, rng);
      break;
    case Kind.followup:
      type = 'followup.recorded';
      data = followupData(layout, r, day, aux, rng);
      break;
    case Kind.elderlyCheck:
    case Kind.generalCheck:
      type = 'health_check.recorded';
      data = healthCheckData(layout, r, day, kind === Kind.elderlyCheck ? 'elderly_annual' : 'general', rng);
      break;
    case Kind.service:
      type = 'service.recorded';
      data = serviceData(day, rng);
      break;
  }
  return {
    institution,
    event: { event_id: '', type, schema_version: 1, occurred_at: occurred, institution_code: institution, person, data },
  };
}
