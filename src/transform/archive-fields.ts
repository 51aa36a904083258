// The fields of the personal basic information form that completeness checks look at, each
// with a fixed bit. The store keeps, per archive record, the bits of the fields it answered
// (absent = missing; an explicit "none" answer sets the bit too). Append only: bits are stored.
export const ARCHIVE_FIELDS = [
  'name', 'sex', 'birth_date', 'id_number', 'phone', 'contact_name', 'contact_phone', 'residence_type', 'ethnicity',
  'blood_type', 'education', 'occupation', 'marital_status', 'payment_methods', 'address', 'division_code',
  'drug_allergies', 'past_history', 'family_history', 'medium', 'rh', 'exposures', 'genetic_disease', 'disabilities',
  'living_environment',
] as const;
export type ArchiveField = (typeof ARCHIVE_FIELDS)[number];

const BIT = new Map<string, number>(ARCHIVE_FIELDS.map((f, i) => [f, i]));

export function fieldBit(field: string): number {
  const bit = BIT.get(field);
  if (bit === undefined) throw new Error(`${field} is not an archive field`);
  return bit;
}

/** The bit mask of a set of answered fields (fields outside the registry are ignored). */
export function fieldMask(fields: Iterable<string>): number {
  let mask = 0;
  for (const f of fields) {
    const bit = BIT.get(f);
    if (bit !== undefined) mask |= 1 << bit;
  }
  return mask >>> 0;
}
