import { describe, expect, it } from 'vitest';
import { archiveEventSchema, EVENT_TYPES, eventJsonSchema } from '../../src/transform/event-schema.js';

describe('event contract v1.1', () => {
  it('is published as JSON Schema for vendors, and docs/event.schema.json is current', async () => {
    // Regenerate with `npx vitest -u test/transform/event-schema.test.ts` after a contract change.
    await expect(`${JSON.stringify(eventJsonSchema(), null, 2)}\n`).toMatchFileSnapshot('../../docs/event.schema.json');
    expect(JSON.stringify(eventJsonSchema())).toContain('health_check.recorded');
  });

  it('has one schema per event type of CONTRACT §1 with the v1.1 additions', () => {
    expect(EVENT_TYPES).toHaveLength(12);
    const unknownType = archiveEventSchema.safeParse({ type: 'archive.deleted' });
    expect(unknownType.success).toBe(false);
    expect(unknownType.error?.issues[0]?.message).toContain('type must be one of');
  });
});
