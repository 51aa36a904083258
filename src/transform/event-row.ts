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
  /** the date the service happened: established_on, terminated_on, checked_on, on, followed_on or served_on */
  event_date: string | null;
  medium: string;
  division_code: string;
  program: string;
  method: string;
  /** health check kind, service kind or termination reason */
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
}
