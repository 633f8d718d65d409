import { stringify } from 'csv-stringify/sync';

// CSV exports are opened in spreadsheets, so they are written for Excel as much as for parsers:
// - UTF-8 with a byte order mark: without it Excel on Windows reads a CSV in the legacy code page
//   and shows "rÃ©vision" for "révision" (and "Ã±" for "ñ"); with it, Excel, LibreOffice and
//   Numbers all read UTF-8, and parsers that know CSV (csv-parse with `bom: true`) skip it;
// - RFC 4180 quoting (by csv-stringify): a cell with a comma, a double quote or a line break is
//   quoted, its quotes doubled; records end with CRLF, as RFC 4180 says;
// - cells a spreadsheet would run as a formula are defused (see spreadsheetSafe).

// The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
// (OWASP "CSV Injection"), plus the full-width forms Apple Numbers normalises to them.
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * Prefixes with an apostrophe a cell that a spreadsheet would evaluate as a formula (`=1+1`,
 * `+33 1 23`, `-5`, `@SUM(A1)`, or one starting with a tab or carriage return), per the OWASP
 * guidance; any other text is returned unchanged. Readers see the apostrophe: that is the price of
 * never running what a participant typed.
 */
export function spreadsheetSafe(cell: string): string {
  const first = cell[0];
  return first !== undefined && FORMULA_TRIGGERS.has(first) ? `'${cell}` : cell;
}

/** A CSV cell: text (made spreadsheet-safe), a number (written as is) or null (an empty cell). */
export type CsvCell = string | number | null;

/**
 * A UTF-8 CSV file (with BOM, CRLF line ends) of a header row and data rows, every text cell
 * passed through spreadsheetSafe. Numbers are not: they come from Margins, not from participants.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const records = [header, ...rows].map((row) =>
    row.map((cell) => (typeof cell === 'string' ? spreadsheetSafe(cell) : cell === null ? '' : String(cell))),
  );
  return stringify(records, { bom: true, record_delimiter: 'windows' });
}
