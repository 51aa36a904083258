// Synthetic citizen ID numbers (GB 11643) and the noise clinics add to them when typing.
import { checkCharacter } from '../transform/id-number.js';
import { isoDay } from './calendar.js';
import { hashSeed, type Random } from './random.js';

/** Sequence numbers per (address, birth date, sex): 3 digits, odd for men, even for women. */
const SEQUENCES_PER_KEY = 499;

export function idNumber(addressCode: string, birthDay: number, sequence: number): string {
  const first17 = `${addressCode}${isoDay(birthDay).replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/**
 * Hands out sequence numbers so that no two synthetic residents share an ID: random draws
 * would collide thousands of times at scale 1 (many people share a birthday), and a shared
 * ID would silently merge two people in the pipeline's dedupe.
 */
export class SequenceRegistry {
  private readonly used = new Map<number, number>();

  constructor(private readonly seed: number) {}

  assign(addressIndex: number, birthDay: number, sex: 1 | 2): number {
    // Numeric key: address index × days × sex, far below 2^53.
    const key = (addressIndex * 200_000 + (birthDay + 100_000)) * 2 + (sex - 1);
    const count = this.used.get(key) ?? 0;
    if (count >= SEQUENCES_PER_KEY) throw new Error('more than 499 synthetic residents share an address code, birth date and sex');
    this.used.set(key, count + 1);
    // Start at a random point so sequences look like police-station numbers, not 001, 003, ...
    const k = (hashSeed(this.seed, key) + count) % SEQUENCES_PER_KEY;
    return sex === 1 ? 2 * k + 1 : 2 * k + 2;
  }
}

const FULL_WIDTH_OFFSET = 0xfee0;

export interface NoisyId {
  text: string;
  /** the check character was mistyped: the pipeline must reject the event */
  invalid: boolean;
}

/**
 * The ID as a clinic system sends it. Shares are per event: about 0.3% mistyped check
 * characters (rejected downstream, on purpose), and a few per cent of harmless noise that
 * normalisation must undo: spaces, full-width digits, lower-case x, old 15-digit numbers.
 */
export function noisyIdNumber(id: string, rng: Random): NoisyId {
  const r = rng.next();
  if (r < 0.003) {
    const wrong = '0123456789X'.replace(id[17] ?? '', '');
    return { text: id.slice(0, 17) + wrong[rng.int(0, wrong.length - 1)], invalid: true };
  }
  if (r < 0.018) return { text: `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, invalid: false };
  if (r < 0.028) {
    return { text: id.replace(/[0-9X]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + FULL_WIDTH_OFFSET)), invalid: false };
  }
  // Old first-generation numbers exist only for people born in the 1900s (the century is implied).
  if (r < 0.036 && id.slice(6, 8) === '19') return { text: id.slice(0, 6) + id.slice(8, 17), invalid: false };
  if (id.endsWith('X') && r < 0.3) return { text: `${id.slice(0, 17)}x`, invalid: false };
  if (r > 0.997) return { text: ` ${id}\t`, invalid: false };
  return { text: id, invalid: false };
}
