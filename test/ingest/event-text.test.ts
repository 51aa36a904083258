import { describe, expect, it } from 'vitest';
import { eventsFromCsv, eventsFromNdjson, eventsFromText } from '../../src/ingest/event-text.js';

describe('event text', () => {
  it('keeps a line that is not JSON as an unparsable event with its line number', () => {
    const events = eventsFromNdjson('{"a":1}\n\n{oops\n{"b":2}', (l) => `f:${l}`);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ['parsed', 'f:1'],
      ['unparsable', 'f:3'],
      ['parsed', 'f:4'],
    ]);
  });

  it('reads a JSON array with element indexes', () => {
    const events = eventsFromText(' [{"a":1},{"a":2}]', (i) => `r#${i}`);
    expect(events.map((e) => e.source)).toEqual(['r#0', 'r#1']);
  });

  it('rebuilds nested events from flattened CSV columns, keeping IDs as text and lists as lists', () => {
    const csv = '\uFEFFevent_id,schema_version,person.id_number,data.residence.division_code,data.vitals.bp_systolic,data.drug_allergies,data.phone\n' +
      'e1,1,11010519491231002X,500104001001,132,青霉素|磺胺,\n' +
      'e2,1,110105194912310021,500104001001,,none,13800000000\n';
    const [a, b] = eventsFromCsv(csv, (l) => `f.csv:${l}`);
    expect(a).toMatchObject({
      source: 'f.csv:2',
      value: { event_id: 'e1', schema_version: 1, person: { id_number: '11010519491231002X' }, data: { residence: { division_code: '500104001001' }, vitals: { bp_systolic: 132 }, drug_allergies: ['青霉素', '磺胺'] } },
    });
    expect((a as { value: { data: object } }).value.data).not.toHaveProperty('phone');
    expect(b).toMatchObject({ source: 'f.csv:3', value: { person: { id_number: '110105194912310021' }, data: { drug_allergies: 'none', phone: '13800000000' } } });
  });
});

describe('hostile event text', () => {
  it('regression: a CSV header __proto__.zz_polluted does not pollute Object.prototype and refuses that event alone', () => {
    const csv = 'event_id,__proto__.zz_polluted,constructor.prototype.zz_polluted2\ne1,yes,\ne2,,\ne3,,yes\n';
    const events = eventsFromCsv(csv, (l) => `f.csv:${l}`);
    expect(({} as Record<string, unknown>).zz_polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).zz_polluted2).toBeUndefined();
    expect(events.map((e) => e.kind)).toEqual(['refused', 'parsed', 'refused']);
    expect(events[0]).toMatchObject({ kind: 'refused', source: 'f.csv:2', event_id: 'e1', reasons: [{ path: '__proto__', code: 'key_forbidden' }] });
  });

  it('refuses an NDJSON line of more than 64 KB before parsing it, and a line nested 5,000 deep', () => {
    const big = JSON.stringify({ event_id: 'big', note: 'x'.repeat(70_000) });
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const events = eventsFromNdjson(`${big}\n${deep}\n{"event_id":"ok"}`, (l) => `f:${l}`);
    expect(events.map((e) => (e.kind === 'refused' ? e.reasons[0]?.code : e.kind))).toEqual(['event_too_large', 'event_too_deep', 'parsed']);
  });

  it('keeps JSON keys named __proto__ as refused events, never as prototypes', () => {
    const events = eventsFromText('[{"event_id":"a","__proto__":{"zz":1}},{"event_id":"b","valueOf":1}]', (i) => `r#${i}`);
    expect(events.map((e) => e.kind)).toEqual(['refused', 'refused']);
    expect(({} as Record<string, unknown>).zz).toBeUndefined();
  });
});
