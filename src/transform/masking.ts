// Masks shown to supervisors (lists never show personal information in full).

/** `500104199001011234` → `500104********1234`; short documents keep their first and last two characters. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length >= 15) return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
  if (idNumber.length <= 4) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 2)}${'*'.repeat(idNumber.length - 4)}${idNumber.slice(-2)}`;
}

/** `张三` → `张*`, `欧阳娜娜` → `欧***`. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** `13812345678` → `138****5678`; landlines keep their last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Addresses keep their first six characters (the district/street part), the rest is hidden. */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  if (chars.length <= 6) return chars.map(() => '*').join('');
  return chars.slice(0, 6).join('') + '*'.repeat(Math.min(8, chars.length - 6));
}
