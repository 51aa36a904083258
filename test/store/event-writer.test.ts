import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, eventTsvLine, tsvText } from '../../src/store/event-writer.js';
import type { EventRow } from '../../src/transform/event-row.js';

describe('TabSeparated rows', () => {
  it('escapes tabs, newlines, carriage returns and backslashes', () => {
    expect(tsvText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(tsvText('plain 文本')).toBe('plain 文本');
  });

  it('writes one field per column, NULL as \\N and timestamps as DateTime64 text (also before 1973)', () => {
    const row = {
      institution_code: 'H1', event_id: 'e\t1', type: 'service.recorded', occurred_at: Date.parse('1965-05-01T00:00:00Z'), received_at: 1_000,
      person_key: 'k', id_type: 'resident_id', id_masked: 'm', name_masked: '', sex: null, birth_date: null, archive_no: '', event_date: '2025-05-01',
      medium: '', division_code: '', program: '', method: '', kind: 'referral', visit_kind: '', bp_systolic: 120.5, bp_diastolic: null,
      fasting_glucose: null, classification: '', condition: '', gestational_weeks: null, doses_due: null, doses_taken: null, next_followup_on: null,
      delivered_on: null, discharged_on: '2025-04-30', linked_from: '', to_institution: 'H2', service_items: 5,
      codes: { ethnicity: '01', education: "x'y\tz" }, fields: { name: '1', phone: '1' }, warnings: ["a'b"], source: 'x:1',
    } satisfies EventRow;
    const cells = eventTsvLine(row).split('\t');
    expect(cells).toHaveLength(EVENT_COLUMNS.length);
    const at = (column: string) => cells[EVENT_COLUMNS.indexOf(column as (typeof EVENT_COLUMNS)[number])];
    expect(at('event_id')).toBe('e\\t1');
    expect(at('occurred_at')).toBe('1965-05-01 00:00:00.000');
    expect(at('received_at')).toBe('1970-01-01 00:00:01.000');
    expect(at('sex')).toBe('\\N');
    expect(at('bp_systolic')).toBe('120.5');
    expect(at('answered_fields')).toBe(String((1 << 0) | (1 << 4)));
    expect(at('warnings')).toBe("['a\\'b']");
    expect(at('discharged_on')).toBe('2025-04-30');
    expect(at('codes')).toBe("{'ethnicity':'01','education':'x\\'y z'}");
  });
});
