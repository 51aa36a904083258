// Validation and normalisation of one archive event: structure (zod), then domain rules.
// The result is a value, never an exception: the caller stores rejects with their reasons.
import type { z } from 'zod';
import type { ReferenceData } from '../reference/reference-data.js';
import { BLOOD_TYPE, type CodeList, EDUCATION, ETHNICITY, EXIT_REASON, MARITAL_STATUS, OCCUPATION, RESIDENCE_TYPE, RH, resolveCode, resolveSex } from './code-lists.js';
import { beijingDate, normaliseDate, parseOccurredAt } from './dates.js';
import type { EventRow, Reason } from './event-row.js';
import { archiveEventSchema, type ParsedEvent } from './event-schema.js';
import { normaliseOtherId, normaliseResidentId } from './id-number.js';
import { maskIdNumber, maskName } from './masking.js';
import { memoLast } from './memo-last.js';
import { redactFreeText } from './redact.js';
import { implausibleMeasures } from './plausibility.js';
import { personKey } from './pseudonym.js';
import { answeredServiceItems } from './service-items.js';

export interface NormaliseContext {
  reference: ReferenceData;
  pseudonymKey: Buffer;
  receivedAt: number;
  source: string;
}

/** Who the event is about, in full: sealed for a permitted reveal, never stored in plain text. */
export interface Identity {
  id_type: string;
  id_number: string;
  name: string;
}

export type NormaliseResult = { ok: true; row: EventRow; identity: Identity } | { ok: false; reasons: Reason[] };

const CODED_FIELDS: readonly CodeList[] = [RESIDENCE_TYPE, ETHNICITY, BLOOD_TYPE, RH, EDUCATION, OCCUPATION, MARITAL_STATUS];

const ID_MESSAGES = {
  format: 'not an 18-character citizen ID number (or 15-digit old number)',
  province: 'the first two digits are not a province code of GB/T 2260',
  birth_date: 'the birth date inside the ID number is not a real date from 1900 on',
  check_character: 'the check character does not match (GB 11643 MOD 11-2)',
} as const;

function zodReasons(error: z.ZodError): Reason[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(event)',
    code: issue.code,
    message: issue.message,
  }));
}

function dateOf(event: ParsedEvent): { path: string; value: string } {
  switch (event.type) {
    case 'archive.created': return { path: 'data.established_on', value: event.data.established_on };
    // An update is dated by when it happened (set from occurred_at below).
    case 'archive.updated': return { path: 'occurred_at', value: '' };
    case 'archive.terminated': return { path: 'data.terminated_on', value: event.data.terminated_on };
    case 'health_check.recorded': return { path: 'data.checked_on', value: event.data.checked_on };
    case 'program.enrolled':
    case 'program.exited': return { path: 'data.on', value: event.data.on };
    case 'followup.recorded': return { path: 'data.followed_on', value: event.data.followed_on };
    case 'service.recorded': return { path: 'data.served_on', value: event.data.served_on };
    case 'delivery.recorded': return { path: 'data.delivered_on', value: event.data.delivered_on };
    case 'archive.transferred': return { path: 'data.transferred_on', value: event.data.transferred_on };
    case 'archive.reopened': return { path: 'data.reopened_on', value: event.data.reopened_on };
    // A link takes effect from when it was made.
    case 'person.linked': return { path: 'occurred_at', value: '' };
  }
}


const isNoneAnswer = (v: unknown) => v === 'none' || v === '无' || (Array.isArray(v) && v.length === 0);

const receivedDate = memoLast(beijingDate);

export function normaliseEvent(raw: unknown, ctx: NormaliseContext): NormaliseResult {
  const parsed = archiveEventSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reasons: [...zodReasons(parsed.error), ...idReasonsOfRaw(raw)] };
  const event = parsed.data as unknown as ParsedEvent;
  const reasons: Reason[] = [];
  const reject = (path: string, code: string, message: string) => reasons.push({ path, code, message });

  // The idempotency key is stored and shown as sent, so it cannot be masked (two ids would
  // become one): an ID number or a mobile number typed into it rejects the event instead.
  if (redactFreeText(event.event_id) !== event.event_id) {
    reject('event_id', 'event_id_personal', 'the event id looks like an ID number or a mobile number; use the system\'s own record id');
  }
  if (!ctx.reference.institutions.has(event.institution_code)) {
    reject('institution_code', 'institution_unknown', `institution ${event.institution_code} is not in the reference data`);
  }
  const occurredAt = parseOccurredAt(event.occurred_at);
  if (occurredAt === undefined) reject('occurred_at', 'date_invalid', 'not an ISO 8601 date or date-time');

  // Identity: the dedupe key must be usable, else the person cannot be counted once.
  const person = event.person;
  let normalisedId = normaliseOtherId(person.id_number);
  let idBirthDate: string | undefined;
  let idSex: 1 | 2 | undefined;
  if (person.id_type === 'resident_id') {
    const id = normaliseResidentId(person.id_number);
    if (!id.ok) {
      reject('person.id_number', `id_${id.problem}`, ID_MESSAGES[id.problem]);
    } else if (id.birthDate > receivedDate(ctx.receivedAt)) {
      reject('person.id_number', 'id_birth_date', 'the birth date inside the ID number is after the day the event was received');
    } else {
      normalisedId = id.idNumber;
      idBirthDate = id.birthDate;
      idSex = id.sex;
    }
  } else if (normalisedId.length === 0) {
    reject('person.id_number', 'id_format', 'empty document number');
  }

  // One literal with every field, in one order: V8 gives all rows one shape (a spread would not).
  const row: EventRow = {
    institution_code: event.institution_code,
    event_id: event.event_id,
    type: event.type,
    occurred_at: occurredAt ?? 0,
    received_at: ctx.receivedAt,
    person_key: personKey(ctx.pseudonymKey, person.id_type, normalisedId),
    id_type: person.id_type,
    id_masked: maskIdNumber(normalisedId),
    name_masked: '', sex: null, birth_date: null, archive_no: '', event_date: null, medium: '', division_code: '',
    program: '', method: '', kind: '', visit_kind: '', bp_systolic: null, bp_diastolic: null, fasting_glucose: null,
    classification: '', condition: '', gestational_weeks: null, doses_due: null, doses_taken: null,
    next_followup_on: null, delivered_on: null, discharged_on: null, linked_from: '', to_institution: '', service_items: 0,
    codes: {}, fields: {}, warnings: [],
    source: ctx.source,
  };
  const warn = (code: string) => row.warnings.push(code);

  if (person.name !== undefined && person.name.trim() !== '') row.name_masked = maskName(person.name);
  if (person.sex !== undefined) {
    const sex = resolveSex(person.sex);
    if (sex === undefined) warn('sex_invalid');
    else {
      row.sex = sex;
      if (idSex !== undefined && (sex === 1 || sex === 2) && sex !== idSex) warn('sex_conflicts_id');
    }
  }
  if (row.sex === null && idSex !== undefined) row.sex = idSex;
  if (person.birth_date !== undefined) {
    const birth = normaliseDate(person.birth_date);
    if (!birth) reject('person.birth_date', 'date_invalid', 'not a date (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)');
    else if (idBirthDate && birth !== idBirthDate) warn('birth_date_conflicts_id');
    row.birth_date = birth ?? null;
  }
  // The ID number is the authority for the birth date when it carries one.
  if (idBirthDate) row.birth_date = idBirthDate;

  const eventDate = dateOf(event);
  if (eventDate.value !== '') {
    row.event_date = normaliseDate(eventDate.value) ?? null;
    if (!row.event_date) reject(eventDate.path, 'date_invalid', 'not a date (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)');
    else if (row.event_date > receivedDate(ctx.receivedAt)) warn('future_dated');
  } else if (occurredAt !== undefined) {
    row.event_date = beijingDate(occurredAt);
  }

  fillTypeFields(event, row, ctx, reject, warn);
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, row, identity: { id_type: person.id_type, id_number: normalisedId, name: person.name?.trim() ?? '' } };
}

/** A structurally broken event still gets its ID checked, so one correction round fixes everything. */
function idReasonsOfRaw(raw: unknown): Reason[] {
  const person = (raw as { person?: { id_type?: unknown; id_number?: unknown } } | null)?.person;
  if (typeof person?.id_number !== 'string' || (person.id_type !== undefined && person.id_type !== 'resident_id')) return [];
  const id = normaliseResidentId(person.id_number);
  return id.ok ? [] : [{ path: 'person.id_number', code: `id_${id.problem}`, message: ID_MESSAGES[id.problem] }];
}

type Reject = (path: string, code: string, message: string) => void;

function fillTypeFields(event: ParsedEvent, row: EventRow, ctx: NormaliseContext, reject: Reject, warn: (code: string) => void): void {
  switch (event.type) {
    case 'archive.created':
    case 'archive.updated':
      row.archive_no = event.data.archive_no.trim();
      fillArchiveFields(event, row, ctx, reject, warn);
      checkArchiveNo(row, ctx, warn);
      return;
    case 'archive.terminated':
      row.archive_no = event.data.archive_no.trim();
      row.kind = event.data.reason;
      // Moving out terminates with destination and handover (DOMAIN.md): without them, a quality issue.
      if (event.data.reason === 'moved_out' && (!event.data.destination?.trim() || !event.data.handover_note?.trim())) {
        warn('moved_out_without_handover');
      }
      checkArchiveNo(row, ctx, warn);
      return;
    case 'health_check.recorded':
      for (const bad of [...implausibleMeasures(event.data.vitals, 'data.vitals.'), ...implausibleMeasures(event.data.labs, 'data.labs.')]) reject(bad.path, bad.code, bad.message);
      row.kind = event.data.kind;
      row.bp_systolic = event.data.vitals?.bp_systolic ?? null;
      row.bp_diastolic = event.data.vitals?.bp_diastolic ?? null;
      row.fasting_glucose = event.data.labs?.fasting_glucose_mmol ?? null;
      row.service_items = answeredServiceItems(event.data);
      return;
    case 'program.enrolled':
      row.program = event.data.program;
      return;
    case 'program.exited':
      row.program = event.data.program;
      if (event.data.reason !== undefined && event.data.reason.trim() !== '') {
        // v1 sent free text here: a reason outside the code list is kept verbatim and flagged.
        const reason = resolveCode(EXIT_REASON, event.data.reason);
        // Free text kept verbatim: masked like any free text.
        row.kind = reason.known ? reason.code : redactFreeText(reason.code);
        if (!reason.known) warn('code_unknown:exit_reason');
      }
      return;
    case 'delivery.recorded':
      row.kind = event.data.outcome;
      row.delivered_on = row.event_date;
      row.discharged_on = optionalDate(event.data.discharged_on, 'data.discharged_on', reject);
      return;
    case 'person.linked': {
      const previous = event.data.previous;
      const previousId = previous.id_type === 'resident_id' ? normaliseResidentId(previous.id_number) : undefined;
      // A mistyped previous number may be invalid: its events were then refused and the link joins nothing.
      const previousText = previousId?.ok ? previousId.idNumber : normaliseOtherId(previous.id_number);
      if (previousId && !previousId.ok) warn('linked_id_invalid');
      row.linked_from = personKey(ctx.pseudonymKey, previous.id_type, previousText);
      row.kind = event.data.reason;
      if (row.linked_from === row.person_key) reject('data.previous', 'link_to_itself', 'the previous identifier is the same as the person\'s');
      return;
    }
    case 'archive.transferred':
      row.archive_no = event.data.archive_no.trim();
      row.to_institution = event.data.to_institution_code.trim();
      if (!ctx.reference.institutions.has(row.to_institution)) {
        reject('data.to_institution_code', 'institution_unknown', `institution ${row.to_institution} is not in the reference data`);
      }
      fillResidence(event.data.residence, row, ctx, reject, warn);
      checkArchiveNo(row, ctx, warn);
      return;
    case 'archive.reopened':
      row.archive_no = event.data.archive_no.trim();
      row.kind = event.data.reason;
      checkArchiveNo(row, ctx, warn);
      return;
    case 'followup.recorded': {
      const d = event.data;
      for (const bad of [...implausibleMeasures(d.vitals, 'data.vitals.'), ...implausibleMeasures(d, 'data.')]) reject(bad.path, bad.code, bad.message);
      row.program = d.program;
      row.method = d.method;
      row.bp_systolic = d.vitals?.bp_systolic ?? null;
      row.bp_diastolic = d.vitals?.bp_diastolic ?? null;
      row.fasting_glucose = d.fasting_glucose_mmol ?? null;
      row.classification = d.classification ?? '';
      row.condition = d.condition ?? '';
      row.visit_kind = d.visit_kind ?? '';
      row.gestational_weeks = d.gestational_weeks ?? null;
      row.doses_due = d.doses_due ?? null;
      row.doses_taken = d.doses_taken ?? null;
      row.next_followup_on = optionalDate(d.next_followup_on, 'data.next_followup_on', reject);
      row.delivered_on = optionalDate(d.delivered_on, 'data.delivered_on', reject);
      row.discharged_on = optionalDate(d.discharged_on, 'data.discharged_on', reject);
      row.service_items = answeredServiceItems(d);
      fillResidence(d.residence, row, ctx, reject, warn);
      return;
    }
    case 'service.recorded':
      row.kind = event.data.kind;
      row.service_items = answeredServiceItems(event.data);
      return;
  }
}

function fillArchiveFields(
  event: Extract<ParsedEvent, { type: 'archive.created' | 'archive.updated' }>,
  row: EventRow,
  ctx: NormaliseContext,
  reject: Reject,
  warn: (code: string) => void,
): void {
  const d = event.data;
  const f = row.fields;
  const person = event.person;
  // Envelope facts that are also basic-information fields of the archive form.
  f.id_number = '1';
  if (row.name_masked) f.name = '1';
  // A resident ID carries the sex as it carries the birth date: the form shows both.
  if (row.sex !== null && (person.sex !== undefined || person.id_type === 'resident_id')) f.sex = String(row.sex);
  if (person.birth_date !== undefined || person.id_type === 'resident_id') f.birth_date = '1';
  row.medium = d.medium ?? '';
  if (d.medium) f.medium = d.medium;
  fillResidence(d.residence, row, ctx, reject, warn);
  if (row.division_code) f.division_code = row.division_code;
  if (d.residence?.address !== undefined && d.residence.address.trim() !== '') f.address = '1';
  for (const list of CODED_FIELDS) {
    const value = (d as Record<string, unknown>)[list.field];
    if (value === undefined || value === null || value === '') continue;
    const resolved = resolveCode(list, value as string | number);
    const code = resolved.known ? resolved.code : redactFreeText(resolved.code);
    f[list.field] = code;
    row.codes[list.field] = code;
    if (!resolved.known) warn(`code_unknown:${list.field}`);
  }
  for (const personal of ['phone', 'contact_name', 'contact_phone'] as const) {
    const value = d[personal];
    if (value !== undefined && value.trim() !== '') f[personal] = '1';
  }
  for (const listField of ['payment_methods', 'drug_allergies', 'exposures', 'family_history', 'disabilities'] as const) {
    const value = d[listField];
    if (value !== undefined) f[listField] = isNoneAnswer(value) ? 'none' : (value as string[]).join('|');
  }
  if (d.past_history !== undefined) {
    const history = d.past_history;
    const allNone = typeof history === 'string' || Object.values(history).every((v) => v === undefined || isNoneAnswer(v));
    f.past_history = allNone ? 'none' : '1';
  }
  if (d.genetic_disease !== undefined) f.genetic_disease = isNoneAnswer(d.genetic_disease) ? 'none' : '1';
  if (d.living_environment !== undefined) f.living_environment = '1';
}

function optionalDate(value: string | undefined, path: string, reject: Reject): string | null {
  if (value === undefined) return null;
  const date = normaliseDate(value);
  if (!date) reject(path, 'date_invalid', 'not a date (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)');
  return date ?? null;
}

/** Where the person lives: a 12-digit community/village code (any event type may say it). */
function fillResidence(
  residence: { division_code: string; address?: string | undefined } | undefined,
  row: EventRow,
  ctx: NormaliseContext,
  reject: Reject,
  warn: (code: string) => void,
): void {
  if (!residence) return;
  const code = residence.division_code.trim();
  if (!/^\d{12}$/.test(code)) {
    reject('data.residence.division_code', 'division_code_format', 'a residence division code has 12 digits (community/village committee)');
    return;
  }
  row.division_code = code;
  if (ctx.reference.divisions.get(code)?.level !== 'community') warn('division_outside_region');
}

/** 17 digits = the 12-digit community code + a 5-digit serial (service guide §六(四)). */
function checkArchiveNo(row: EventRow, ctx: NormaliseContext, warn: (code: string) => void): void {
  if (!/^\d{17}$/.test(row.archive_no)) {
    warn('archive_no_malformed');
    // Whatever was typed here (an ID number in the wrong box, a phone) is stored masked.
    row.archive_no = redactFreeText(row.archive_no);
    return;
  }
  const prefix = row.archive_no.slice(0, 12);
  if (ctx.reference.divisions.get(prefix)?.level !== 'community') warn('archive_no_outside_region');
  else if (row.division_code && row.division_code !== prefix) warn('archive_no_not_residence');
}
