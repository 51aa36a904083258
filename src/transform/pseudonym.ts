import { createHmac } from 'node:crypto';

/**
 * The analytical store keys people by HMAC-SHA-256 of the normalised document, never by
 * the plaintext (CONTRACT §2). The document type is part of the input so that a passport
 * number can never collide with a resident ID of the same text.
 */
export function personKey(secret: Buffer, idType: string, normalisedId: string): string {
  return createHmac('sha256', secret).update(`${idType}:${normalisedId}`).digest('hex');
}
