// One planned happening → one event as a clinic system would send it (CONTRACT §1): the
// envelope, a person block that is sometimes full and sometimes only the ID, and the data.
import {
  archiveCreatedData, dateText, moveUpdateData, phoneUpdateData, reopenData, terminationData, transferData,
} from './archive-form.js';
import { isoDay } from './calendar.js';
import { noisyIdNumber } from './identity.js';
import type { DistrictLayout } from './layout.js';
import { Kind } from './plan.js';
import type { Random } from './random.js';
import { institutionAt, type Resident, residentId, typoId } from './resident.js';
import { deliveryData, enrolData, exitData, followupData, healthCheckData, serviceData, tcmServiceData } from './services.js';

export interface BuiltEvent {
  institution: string;
  /** the event without its `event_id`, which the sending clinic assigns in sending order */
  event: Record<string, unknown>;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Bare dates from some systems, Beijing date-times within clinic hours from others. */
function occurredAt(day: number, rng: Random): string {
  if (rng.chance(0.35)) return isoDay(day);
  const minute = rng.chance(0.55) ? rng.int(510, 719) : rng.int(870, 1049);
  return `${isoDay(day)}T${two(Math.floor(minute / 60))}:${two(minute % 60)}:${two(rng.int(0, 59))}+08:00`;
}

/** A newborn before the ID number is issued: the birth certificate, which states birth date and sex. */
function certificatePerson(r: Resident, rng: Random): Record<string, unknown> {
  const person: Record<string, unknown> = { id_type: 'birth_certificate', id_number: r.certificateNo };
  if (rng.chance(0.8)) person.name = r.name;
  person.sex = rng.chance(0.7) ? String(r.sex) : r.sex === 1 ? '男' : '女';
  person.birth_date = dateText(r.birthDay, rng);
  return person;
}

/**
 * The person as the record names them on `day`: before a link, by the earlier identifier (the
 * birth certificate, or the mistyped ID); the link itself, and everything after, by the ID.
 */
function personBlock(layout: DistrictLayout, r: Resident, rng: Random, archiveEvent: boolean, day: number, link: boolean): Record<string, unknown> {
  if (!link && day < r.linkDay && r.linkReason === 'birth_certificate') return certificatePerson(r, rng);
  const person: Record<string, unknown> = {};
  if (rng.chance(0.25)) person.id_type = 'resident_id';
  const typo = !link && day >= r.typoFrom && day < r.linkDay;
  person.id_number = noisyIdNumber(typo ? typoId(layout, r) : residentId(layout, r), rng).text;
  if (archiveEvent || rng.chance(0.9)) person.name = r.name;
  // Archive forms usually carry sex and birth date; service records often only the ID.
  if (rng.chance(archiveEvent ? 0.85 : 0.35)) {
    const sex = rng.chance(0.003) ? 3 - r.sex : r.sex; // a clerk's slip the pipeline must flag
    person.sex = rng.weighted<string | number>([[String(sex), 60], [sex === 1 ? '男' : '女', 25], [sex, 15]]);
  }
  if (rng.chance(archiveEvent ? 0.85 : 0.25)) person.birth_date = dateText(r.birthDay, rng);
  return person;
}

/** `person.linked`: the earlier identifier, now known to be this person's. */
function linkData(layout: DistrictLayout, r: Resident): Record<string, unknown> {
  return r.linkReason === 'birth_certificate'
    ? { previous: { id_type: 'birth_certificate', id_number: r.certificateNo }, reason: 'birth_certificate' }
    : { previous: { id_type: 'resident_id', id_number: typoId(layout, r) }, reason: 'correction' };
}

function institutionOf(layout: DistrictLayout, r: Resident, kind: Kind, day: number): string {
  if (kind === Kind.duplicate) return r.duplicateInstitution;
  // The institution that held the archive hands it over to the one serving the new street.
  if (kind === Kind.transfer) return institutionAt(layout, r, r.moveDay - 1);
  return institutionAt(layout, r, day);
}

export function buildEvent(layout: DistrictLayout, r: Resident, kind: Kind, aux: number, day: number, rng: Random): BuiltEvent {
  const archiveEvent = kind === Kind.archive || kind === Kind.duplicate;
  const institution = institutionOf(layout, r, kind, day);
  // A delivery is sent when the hospital discharges the mother, and dated by the delivery.
  const occurred = occurredAt(kind === Kind.delivery ? r.deliveryDay : day, rng);
  const person = personBlock(layout, r, rng, archiveEvent, day, kind === Kind.link);
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
    case Kind.transfer:
      type = 'archive.transferred';
      data = transferData(layout, r, day, rng);
      break;
    case Kind.terminate:
      type = 'archive.terminated';
      data = terminationData(r, day, aux, rng);
      break;
    case Kind.reopen:
      type = 'archive.reopened';
      data = reopenData(r, day, aux, rng);
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
    case Kind.tcmService:
      type = 'service.recorded';
      data = tcmServiceData(layout, r, day, rng);
      break;
    case Kind.delivery:
      type = 'delivery.recorded';
      data = deliveryData(r, rng);
      break;
    case Kind.link:
      type = 'person.linked';
      data = linkData(layout, r);
      break;
  }
  return {
    institution,
    event: { event_id: '', type, schema_version: 1, occurred_at: occurred, institution_code: institution, person, data },
  };
}
