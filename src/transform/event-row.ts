// The normalised event as the store keeps it: plain data, no personal information in clear.
import type { EventType } from './event-schema.js';

export interface EventRow {
  institution_code: string;
  event_id: string;
  type: EventType;
  /** epoch ms */
  occurred_at: number;
  /** epoch ms */
  received_at: number;
  person_key: string;
  id_type: string;
  id_masked: string;
  name_masked: string;
  sex: number | null;
  birth_date: string | null;
  archive_no: string;
  /** the date it happened: established_on, terminated_on, checked_on, on, followed_on, served_on, delivered_on, transferred_on, reopened_on (a link or an update: occurred_at) */
  event_date: string | null;
  medium: string;
  division_code: string;
  program: string;
  method: string;
  /** health check kind, service kind, termination, exit or reopen reason, delivery outcome, link reason */
  kind: string;
  visit_kind: string;
  bp_systolic: number | null;
  bp_diastolic: number | null;
  fasting_glucose: number | null;
  classification: string;
  condition: string;
  gestational_weeks: number | null;
  doses_due: number | null;
  doses_taken: number | null;
  next_followup_on: string | null;
  /** v1.1: delivery date (delivery records; postpartum and newborn visits) */
  delivered_on: string | null;
  /** v1.1: discharge after delivery (delivery records; postpartum and newborn visits) */
  discharged_on: string | null;
  /** v1.1 person.linked: the person key of the previous identifier, now one person with this one */
  linked_from: string;
  /** v1.1 archive.transferred: the institution that holds the archive from now on */
  to_institution: string;
  /** bits of the service items answered (src/transform/service-items.ts): elderly check form, TCM */
  service_items: number;
  /** coded fields as their code (residence type, ethnicity, …); an unknown value verbatim */
  codes: Record<string, string>;
  /** basic-information fields this event answers: field → code, `1` (present, personal) or `none` (answered: none) */
  fields: Record<string, string>;
  /** quality warnings: the event is kept, the problem is listed for supervisors */
  warnings: string[];
  /** where the event came from: `file:line`, `http:request#index` or `topic:partition:offset` */
  source: string;
}

export interface Reason {
  path: string;
  code: string;
  message: string;
}

export interface RejectedEvent {
  received_at: number;
  source: string;
  institution_code: string;
  event_id: string;
  type: string;
  reasons: Reason[];
  /** the event as received, with personal fields masked */
  raw_masked: string;
  /** the event as received, sealed (AES-256-GCM) for an operator to read, fix and re-submit */
  payload_key_id?: string;
  payload_sealed?: string;
  /** identical rejected copies of one batch are stored once, with their number (1 when absent) */
  copies?: number;
}
