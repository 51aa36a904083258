import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, personKey } from '../../src/transform/pseudonym.js';

const reference = (secret: Buffer, message: string) => createHmac('sha256', secret).update(message).digest('hex');

describe('pseudonyms', () => {
  it('equal createHmac for keys shorter, equal to and longer than a block, and messages up to past the buffer', () => {
    for (const keyLength of [1, 32, 63, 64, 65, 200]) {
      const secret = randomBytes(keyLength);
      const keyed = hmacSha256Hex(secret);
      for (const message of ['', 'resident_id:500104199001011234', '姓名:张三', 'x'.repeat(959), 'x'.repeat(960), 'x'.repeat(961), '中'.repeat(400)]) {
        expect(keyed(message)).toBe(reference(secret, message));
      }
    }
  });

  it('keys a document by its type and text, per secret', () => {
    const a = Buffer.from('bench-key-0123456789abcdef0123456789');
    const b = Buffer.from('another-key-0123456789abcdef012345678');
    expect(personKey(a, 'resident_id', '500104199001011234')).toBe(reference(a, 'resident_id:500104199001011234'));
    expect(personKey(b, 'resident_id', '500104199001011234')).toBe(reference(b, 'resident_id:500104199001011234'));
    expect(personKey(a, 'passport', '500104199001011234')).not.toBe(personKey(a, 'resident_id', '500104199001011234'));
  });
});
