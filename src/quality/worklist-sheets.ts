// The two worklists (quality issues, overdue follow-ups) as CSV and XLSX downloads: the rows of
// the JSON answer, masked the same (the rows come from the same functions), Chinese headers with
// English beside, and the names of regions and institutions next to their codes so a supervisor
// can read the file without the reference tables.
import ExcelJS from 'exceljs';
import { addTableSheet, type SheetColumn, toCsv } from '../metrics/spreadsheet.js';
import { type CsvCell, DigitsAsText } from '../metrics/spreadsheet-cells.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Program } from '../transform/event-schema.js';
import type { IssueRow } from './issues.js';
import type { OverdueRow } from './overdue.js';

export type SheetFormat = 'csv' | 'xlsx';

/** The program names of the 国家基本公共卫生服务规范 (the pages' labels.js shows the same). */
export const PROGRAM_NAMES_ZH: Readonly<Record<Program, string>> = {
  hypertension: '高血压',
  diabetes: '2型糖尿病',
  severe_mental_disorder: '严重精神障碍',
  tuberculosis: '肺结核',
  child: '儿童',
  maternal: '孕产妇',
  elderly: '老年人',
};

/** 从未随访: due counted from enrolment; 逾期: followed up before, late now (the page lists them apart too). */
export const NEVER_FOLLOWED_UP = '从未随访 never';
export const LATE = '逾期 late';

interface Sheet {
  name: string;
  columns: readonly SheetColumn[];
  rows: CsvCell[][];
}

/** The name of a division: a community's own, else its street's (a code the reference lacks: ''). */
function placeName(reference: ReferenceData, code: string): string {
  const division = reference.divisions.get(code) ?? reference.divisions.get(reference.streetOf(code) ?? '');
  return division?.name ?? '';
}

const institutionName = (reference: ReferenceData, code: string) => reference.institutions.get(code)?.name ?? '';

/** Excel turns a bare 17-digit archive number into 5.00104E+16 and drops digits. */
const archiveCell = (archiveNo: string): CsvCell => (/^\d{17}$/.test(archiveNo) ? new DigitsAsText(archiveNo) : archiveNo);

export const ISSUE_SHEET_COLUMNS: readonly SheetColumn[] = [
  { header: '问题类型 Kind', width: 24 },
  { header: '类型代码 Kind code', width: 22 },
  { header: '姓名(脱敏) Name (masked)', width: 14 },
  { header: '身份证号(脱敏) ID (masked)', width: 22 },
  { header: '地区代码 Region code', width: 15 },
  { header: '地区名称 Region', width: 20 },
  { header: '机构代码 Institution code', width: 14 },
  { header: '机构名称 Institution', width: 28 },
  { header: '档案编号 Archive no.', width: 20 },
  { header: '说明 Detail', width: 50 },
  { header: '日期 Date', width: 12 },
  { header: '人员引用 Person ref (for reveal)', width: 36 },
];

export function issueSheet(reference: ReferenceData, rows: readonly IssueRow[]): Sheet {
  return {
    name: '质量问题清单',
    columns: ISSUE_SHEET_COLUMNS,
    rows: rows.map((r) => [
      r.label_zh, r.kind, r.name_masked, r.id_masked, r.division_code, placeName(reference, r.division_code),
      r.institution_code, institutionName(reference, r.institution_code), archiveCell(r.archive_no), r.detail, r.on_date, r.person_ref,
    ]),
  };
}

export const OVERDUE_SHEET_COLUMNS: readonly SheetColumn[] = [
  { header: '项目 Program', width: 14 },
  { header: '项目代码 Program code', width: 22 },
  { header: '随访情况 Status', width: 16 },
  { header: '姓名(脱敏) Name (masked)', width: 14 },
  { header: '身份证号(脱敏) ID (masked)', width: 22 },
  { header: '地区代码 Region code', width: 15 },
  { header: '地区名称 Region', width: 20 },
  { header: '机构代码 Institution code', width: 14 },
  { header: '机构名称 Institution', width: 28 },
  { header: '上次随访 Last follow-up', width: 14 },
  { header: '应随访 Due', width: 12 },
  { header: '逾期天数 Days overdue', width: 12 },
  { header: '人员引用 Person ref (for reveal)', width: 36 },
];

export function overdueSheet(reference: ReferenceData, rows: readonly OverdueRow[]): Sheet {
  return {
    name: '逾期随访',
    columns: OVERDUE_SHEET_COLUMNS,
    rows: rows.map((r) => [
      PROGRAM_NAMES_ZH[r.program as Program] ?? r.program, r.program, r.last_followup_on === null ? NEVER_FOLLOWED_UP : LATE,
      r.name_masked, r.id_masked, r.division_code, placeName(reference, r.division_code),
      r.institution_code, institutionName(reference, r.institution_code), r.last_followup_on, r.due_on, r.days_overdue, r.person_ref,
    ]),
  };
}

/** The sheet as the download asked for: CSV text, or an XLSX workbook with filter buttons on the header. */
export async function sheetDownload(sheet: Sheet, format: SheetFormat): Promise<string | Buffer> {
  if (format === 'csv') return toCsv(sheet.columns.map((c) => c.header), sheet.rows);
  const workbook = new ExcelJS.Workbook();
  addTableSheet(workbook, sheet.name, sheet.columns, sheet.rows, { frozenHeader: true, autoFilter: true });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
