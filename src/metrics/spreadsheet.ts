// The download formats of tables (assessment, phone sample, worklists): CSV that Excel opens as
// UTF-8, and XLSX sheets with a bold frozen header. Every text cell goes through the formula guard
// of spreadsheet-cells.ts.
import type ExcelJS from 'exceljs';
import { type CsvCell, csvField, DigitsAsText, safeCellText } from './spreadsheet-cells.js';

export const UTF8_BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 4180 text with a UTF-8 BOM and CRLF line ends: Excel then opens the Chinese text as UTF-8. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${UTF8_BOM}${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export interface SheetColumn {
  header: string;
  width: number;
  /** Excel number format of the column, e.g. '0.0%' */
  numFmt?: string;
}

/**
 * A sheet of one header row and the rows under it. Text is formula-safe; a DigitsAsText is
 * written as its digits in a text cell (an XLSX text cell keeps all 17 digits, no ="…" needed).
 * `autoFilter` puts Excel's filter buttons on the header, as supervisors sort and filter lists.
 */
export function addTableSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly SheetColumn[],
  rows: readonly (readonly CsvCell[])[],
  options: { frozenHeader?: boolean; autoFilter?: boolean } = {},
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, options.frozenHeader ? { views: [{ state: 'frozen', ySplit: 1 }] } : {});
  sheet.columns = columns.map(({ header, width }) => ({ header, width }));
  sheet.getRow(1).font = { bold: true };
  // Empty text is a blank cell: Excel's filter then offers it as (Blanks).
  for (const r of rows) sheet.addRow(r.map((c) => (c instanceof DigitsAsText ? c.digits : c === '' ? null : typeof c === 'string' ? safeCellText(c) : c)));
  columns.forEach((c, i) => {
    if (c.numFmt) sheet.getColumn(i + 1).numFmt = c.numFmt;
  });
  if (options.autoFilter && columns.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
  return sheet;
}
