// Citizen ID numbers (GB 11643-1999): normalisation, the ISO 7064 MOD 11-2 check
// character, and the facts an ID carries (birth date, sex).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

export type IdNumberProblem = 'format' | 'province' | 'birth_date' | 'check_character';

/**
 * The first two digits: a province-level code of GB/T 2260 (DOMAIN.md "Identity and the
 * archive's life"), and 81–83 for the residence permits of Hong Kong, Macao and Taiwan residents.
 */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]);


export type ResidentIdResult =
  | { ok: true; idNumber: string; birthDate: string; sex: 1 | 2; convertedFrom15: boolean }
  | { ok: false; problem: IdNumberProblem; cleaned: string };

/** Full-width digits and letters → ASCII, spaces and dashes removed, upper case. */
export function cleanIdText(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000-]/g, '')
    .toUpperCase();
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

function isRealDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  // Not before 1900 (ours, DOMAIN.md); "not after the day received" is checked where that day is known.
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Normalises a resident ID and tells exactly what is wrong with it when it cannot be used. */
export function normaliseResidentId(raw: string): ResidentIdResult {
  let cleaned = cleanIdText(raw);
  let convertedFrom15 = false;
  if (/^\d{15}$/.test(cleaned)) {
    // Old first-generation numbers: the year lacks its century (always 19xx) and there is no check character.
    const first17 = `${cleaned.slice(0, 6)}19${cleaned.slice(6)}`;
    cleaned = first17 + checkCharacter(first17);
    convertedFrom15 = true;
  }
  if (!/^\d{17}[\dX]$/.test(cleaned)) return { ok: false, problem: 'format', cleaned };
  if (!PROVINCES.has(cleaned.slice(0, 2))) return { ok: false, problem: 'province', cleaned };
  const birth = cleaned.slice(6, 14);
  if (!isRealDate(birth)) return { ok: false, problem: 'birth_date', cleaned };
  if (checkCharacter(cleaned.slice(0, 17)) !== cleaned[17]) return { ok: false, problem: 'check_character', cleaned };
  return {
    ok: true,
    idNumber: cleaned,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    sex: Number(cleaned[16]) % 2 === 1 ? 1 : 2,
    convertedFrom15,
  };
}

/** Other documents (passports, permits, birth certificates) only get cleaned: no check is defined for them. */
export function normaliseOtherId(raw: string): string {
  return cleanIdText(raw);
}
