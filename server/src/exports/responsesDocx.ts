import {
  Document,
  ExternalHyperlink,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import {
  headers,
  RESPONSE_COLUMNS,
  type ResponseColumn,
  type ResponseLabels,
  type ResponseRow,
} from './responses.ts';

/** The response table as a Word document (landscape, the header row repeated on every page). */
export interface ResponsesDocxMeta {
  /** The draft's title, shown as the document's title. */
  title: string;
  /** The language tag of the document (the draft's), e.g. `fr`. */
  language: string;
  /** ISO 8601. */
  exportedAt: string;
  labels?: ResponseLabels;
  /** Replaces the English line under the title ("3 comment threads and 2 suggested edits…"). */
  intro?: string;
}

// Relative widths of the columns on a landscape page; the words people wrote get the room.
const COLUMN_WEIGHTS: Record<ResponseColumn, number> = {
  section: 7,
  passage: 11,
  contribution: 15,
  author: 6,
  organisation: 7,
  sector: 5,
  country: 5,
  language: 6,
  status: 5,
  decision: 6,
  rationale: 11,
  decidedBy: 6,
  decidedAt: 5,
  link: 5,
};
/** A4 landscape less 1.27 cm margins, in twentieths of a point. */
const TABLE_WIDTH = 16_838 - 2 * 720;

/** The table as a landscape Word document: the title, a line of counts, and the table, whose header row repeats on each page. */
export async function responsesDocx(rows: readonly ResponseRow[], meta: ResponsesDocxMeta): Promise<Buffer> {
  const total = RESPONSE_COLUMNS.reduce((sum, column) => sum + COLUMN_WEIGHTS[column], 0);
  const widths = RESPONSE_COLUMNS.map((column) => Math.floor((TABLE_WIDTH * COLUMN_WEIGHTS[column]) / total));
  const cell = (children: Paragraph[], index: number, header = false) =>
    new TableCell({
      children,
      width: { size: widths[index] ?? 0, type: WidthType.DXA },
      margins: { top: 40, bottom: 40, left: 60, right: 60 },
      ...(header ? { shading: { fill: 'E8E8E8', type: ShadingType.CLEAR, color: 'auto' } } : {}),
    });
  const headerRow = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: headers(meta.labels).map((label, index) =>
      cell([new Paragraph({ children: [new TextRun({ text: xmlSafe(label), bold: true })] })], index, true),
    ),
  });
  const bodyRows = rows.map(
    (row) =>
      new TableRow({
        children: RESPONSE_COLUMNS.map((column, index) => cell(docxCell(row, column), index)),
      }),
  );
  const threads = rows.filter((row) => row.kind === 'thread').length;
  const document = new Document({
    title: xmlSafe(meta.title),
    creator: 'Margins',
    styles: {
      default: { document: { run: { size: 16, language: { value: meta.language } } } },
    },
    sections: [
      {
        properties: {
          page: {
            size: { orientation: PageOrientation.LANDSCAPE },
            margin: { top: 720, bottom: 720, left: 720, right: 720 },
          },
        },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(xmlSafe(meta.title))] }),
          new Paragraph({
            spacing: { after: 200 },
            children: [new TextRun(xmlSafe(meta.intro ?? introLine(threads, rows.length - threads, meta)))],
          }),
          new Table({
            rows: [headerRow, ...bodyRows],
            width: { size: TABLE_WIDTH, type: WidthType.DXA },
            columnWidths: widths,
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

function introLine(threads: number, suggestions: number, meta: ResponsesDocxMeta): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${plural(threads, 'comment thread', 'comment threads')} and ` +
    `${plural(suggestions, 'suggested edit', 'suggested edits')}, ` +
    `with what was decided and why, as of ${displayTime(meta.exportedAt)}.`
  );
}

/** `2027-03-04 09:00 UTC`, readable in any of the UI's languages. */
function displayTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A cell's paragraphs: one per line (a run's text cannot hold a line break); the link is clickable. */
function docxCell(row: ResponseRow, column: ResponseColumn): Paragraph[] {
  if (column === 'link') {
    return [
      new Paragraph({
        children: [
          new ExternalHyperlink({
            link: row.link,
            children: [new TextRun({ text: `#${row.kind}-${row.id}`, style: 'Hyperlink' })],
          }),
        ],
      }),
    ];
  }
  const value = column === 'decidedAt' && row.decidedAt ? displayTime(row.decidedAt) : row[column];
  return (value ?? '').split('\n').map((line) => new Paragraph({ children: [new TextRun(xmlSafe(line))] }));
}

/** Drops what XML 1.0 cannot carry (most control characters, lone surrogates), which would corrupt the file. */
function xmlSafe(text: string): string {
  let safe = '';
  // for…of walks code points; a lone surrogate comes out on its own and fails the test below.
  for (const char of text) if (isXmlChar(char.codePointAt(0) ?? 0)) safe += char;
  return safe;
}

/** The `Char` production of XML 1.0. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}
