// Text cells of CSV and XLSX downloads. A cell that begins with = + - @ (or a tab or carriage
// return, which some spreadsheets skip before looking) is read as a formula: an archive number
// sent as `=HYPERLINK("http://…","点击")` would be a live link in a supervisor's Excel. Such text
// gets a leading apostrophe (OWASP "CSV injection"), shown as typed and never evaluated.

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCellText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * A 17-digit number Excel must keep as text (it would show 5.00104E+16 and drop digits): written
 * as the formula ="…", which is safe because it holds digits only, checked here.
 */
export class DigitsAsText {
  readonly formula: string;
  constructor(readonly digits: string) {
    if (!/^\d+$/.test(digits)) throw new Error('DigitsAsText holds digits only');
    this.formula = `="${digits}"`;
  }
}

export type CsvCell = string | number | null | DigitsAsText;

/** One CSV field: formula-safe, quoted when needed (RFC 4180). */
export function csvField(value: CsvCell): string {
  if (value instanceof DigitsAsText) return value.formula.replace(/"/g, '""').replace(/^(.*)$/, '"$1"');
  const text = value === null ? '' : typeof value === 'number' ? String(value) : safeCellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
