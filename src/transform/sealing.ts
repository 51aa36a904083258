// AES-256-GCM sealing of what must be kept but never read in plain text by the analytical side:
// a person's identity (for a permitted reveal) and a rejected event's original payload (for an
// operator to fix and re-submit). Keys carry ids so they can be rotated: new text is sealed with
// the first key, old text is opened with the key it names.
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';

export interface SealingKey {
  id: string;
  /** 32 bytes */
  key: Uint8Array;
}

/** Keys in order of use: the first seals, any opens. */
export type Keyring = readonly SealingKey[];

export interface Sealed {
  key_id: string;
  /** base64 of iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext */
  sealed: string;
}

// Fresh IVs are drawn from the system's random source a thousand at a time: one call per IV cost
// more than the encryption itself (ingest seals identities by the hundred thousand). Each IV is
// still random and used once.
const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 1024);
let ivAt = ivPool.length;

function freshIv(): Buffer {
  if (ivAt === ivPool.length) {
    randomFillSync(ivPool);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

export function seal(keyring: Keyring, plaintext: string): Sealed {
  const current = keyring[0];
  if (!current) throw new Error('no sealing key');
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', current.key, iv);
  // The key id is authenticated with the text: a sealed value cannot be moved under another key.
  cipher.setAAD(Buffer.from(current.id, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { key_id: current.id, sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
}

export type Opened = { ok: true; text: string } | { ok: false; problem: string };

export function open(keyring: Keyring, value: Sealed): Opened {
  const key = keyring.find((k) => k.id === value.key_id);
  if (!key) return { ok: false, problem: `sealed with key ${value.key_id}, which is not configured (HAP_SEALING_KEYS)` };
  const bytes = Buffer.from(value.sealed, 'base64');
  if (bytes.length < 28) return { ok: false, problem: 'sealed value is truncated' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(key.id, 'utf8'));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return { ok: true, text: Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8') };
  } catch {
    return { ok: false, problem: 'sealed value does not authenticate under its key' };
  }
}

/** `id:base64key,id2:base64key` (HAP_SEALING_KEYS): the first seals. */
export function parseKeyring(text: string): { ok: true; keyring: Keyring } | { ok: false; problem: string } {
  const keys: SealingKey[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at);
    const key = Buffer.from(part.slice(at + 1), 'base64');
    if (at <= 0 || !/^[\w.-]{1,32}$/.test(id)) return { ok: false, problem: `a key is "id:base64"; "${part.slice(0, 8)}…" has no id` };
    if (key.length !== 32) return { ok: false, problem: `key ${id} is ${key.length} bytes; AES-256 needs 32 (base64 of 32 random bytes)` };
    if (keys.some((k) => k.id === id)) return { ok: false, problem: `key id ${id} appears twice` };
    keys.push({ id, key });
  }
  if (keys.length === 0) return { ok: false, problem: 'no key' };
  return { ok: true, keyring: keys };
}

export function newKeyText(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
