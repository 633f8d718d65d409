import { stringify } from 'csv-stringify/sync';

// CSV exports are opened in spreadsheets, so they are written for Excel as much as for parsers:
// - UTF-8 with a byte order mark: without it Excel on Windows reads a CSV in the legacy code page
//   and shows "rÃ©vision" for "révision" (and "Ã±" for "ñ"); with it, Excel, LibreOffice and
//   Numbers all read UTF-8, and parsers that know CSV (csv-parse with `bom: true`) skip it;
// - RFC 4180 quoting: a cell with a comma, a double quote or any line break is quoted, its quotes
//   doubled; records end with CRLF. csv-stringify on its own quotes a line break only when it is
//   the record delimiter (CRLF here), so a bare LF went out unquoted and Python's `csv` split the
//   row there: QUOTED below names every character that must be quoted;
// - a cell with `;` or a tab is quoted too: Excel in French, Spanish or German uses `;` as its
//   list separator, and LibreOffice offers tab;
// - no piece of a cell starts a formula (see spreadsheetSafe), even where a reader that splits at
//   `;` or at line breaks and ignores the quotes makes a cell of it.

/** Characters that must be quoted: RFC 4180's comma, quote and line breaks, and `;` and tab. */
const QUOTED = /[,;\t\r\n"]/;

// A formula trigger (OWASP "CSV Injection": the first characters that make Excel, LibreOffice or
// Google Sheets read a cell as a formula, plus the full-width forms Apple Numbers normalises to
// them) at the start of the text or after a character where a reader may start a new cell: a
// separator, a line break, or a quote (a lax reader keeps the quotes it does not understand).
const FORMULA_START = /(^|[,;\t\r\n"])(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/g;

/**
 * Prefixes with an apostrophe every piece of a cell that a spreadsheet would evaluate as a formula
 * (`=1+1`, `+33 1 23`, `-5`, `@SUM(A1)`, a tab or carriage return first), per the OWASP guidance:
 * the cell's start and whatever follows a `,`, `;`, tab, line break or quote inside it, since a
 * reader that splits there (French Excel opening a `,` file splits at `;`) makes that piece a
 * cell of its own. `Bonjour;=1+1` becomes `Bonjour;'=1+1`. Other text is returned unchanged.
 * Readers see the apostrophes: that is the price of never running what a participant typed.
 */
export function spreadsheetSafe(cell: string): string {
  return cell.replace(FORMULA_START, "$1'");
}

/** A CSV cell: text (made spreadsheet-safe), a number (written as is) or null (an empty cell). */
export type CsvCell = string | number | null;

/**
 * A UTF-8 CSV file (with BOM, CRLF line ends) of a header row and data rows, every text cell
 * passed through spreadsheetSafe. Numbers are not: they come from Margins, not from participants.
 * Every reader that honours RFC 4180 quoting (Python's `csv`, LibreOffice, Excel) reads exactly
 * one row per record.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const records = [header, ...rows].map((row) =>
    row.map((cell) => (typeof cell === 'string' ? spreadsheetSafe(cell) : cell === null ? '' : String(cell))),
  );
  return stringify(records, { bom: true, record_delimiter: 'windows', quoted_match: QUOTED });
}
