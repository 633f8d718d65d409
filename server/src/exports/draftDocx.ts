import type { Mark, Node as PMNode } from '@tiptap/pm/model';
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  type ILevelsOptions,
  LevelFormat,
  Packer,
  Paragraph,
  type ParagraphChild,
  ShadingType,
  TextRun,
} from 'docx';
import { type DraftExportMeta, opensWithTitle, SAFE_LINK, withoutAnchorMarks } from './draftExports.ts';

/* The consolidated draft as a Word document: headings in Word's heading styles, real lists and links. */

const MONO = 'Courier New';
const INDENT = 720; // twentieths of a point: half an inch per list level or quote
const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;
const BULLETS = ['•', '◦', '▪'];

/** Where a block sits: how deep in lists and quotes, which decides its indent and style. */
interface BlockContext {
  indent: number;
  quote: boolean;
  listLevel: number;
}

/** Numbering definitions met while writing: one per list kind (and per ordered list start). */
class Numbering {
  readonly configs = new Map([['bullet', levels(bulletLevel)]]);
  private lists = 0;

  /** A new list: its own instance, so every list counts from its own start. */
  list(node: PMNode): { reference: string; instance: number } {
    let reference = 'bullet';
    if (node.type.name === 'orderedList') {
      const start = Number.isInteger(node.attrs.start) && node.attrs.start >= 0 ? node.attrs.start : 1;
      reference = `ordered-${start}`;
      if (!this.configs.has(reference)) {
        this.configs.set(
          reference,
          levels((level) => orderedLevel(level, start)),
        );
      }
    }
    this.lists += 1;
    return { reference, instance: this.lists };
  }
}

function levels(make: (level: number) => ILevelsOptions): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => make(level));
}

const levelIndent = (level: number) => ({ indent: { left: INDENT * (level + 1), hanging: 360 } });

function bulletLevel(level: number): ILevelsOptions {
  const text = BULLETS[level % BULLETS.length] ?? '•';
  return {
    level,
    format: LevelFormat.BULLET,
    text,
    alignment: AlignmentType.LEFT,
    style: { paragraph: levelIndent(level) },
  };
}

function orderedLevel(level: number, start: number): ILevelsOptions {
  const format = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN][level % 3];
  return {
    level,
    format: format ?? LevelFormat.DECIMAL,
    text: `%${level + 1}.`,
    start: level === 0 ? start : 1,
    alignment: AlignmentType.LEFT,
    style: { paragraph: levelIndent(level) },
  };
}

/**
 * The draft as a Word document, written with the `docx` library: the title, headings in Word's
 * Heading 1–6 styles (so its navigation pane lists them), real numbered and bulleted lists, quotes
 * and code in their own paragraph styles, hyperlinks, and the draft's language for spelling.
 */
export async function draftDocx(doc: PMNode, meta: DraftExportMeta): Promise<Buffer> {
  const numbering = new Numbering();
  const children: Paragraph[] = [];
  if (!opensWithTitle(doc, meta.title)) {
    children.push(
      new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(xmlSafe(meta.title))] }),
    );
  }
  withoutAnchorMarks(doc).forEach((block) => {
    children.push(...docxBlocks(block, { indent: 0, quote: false, listLevel: -1 }, numbering));
  });
  const document = new Document({
    title: xmlSafe(meta.title),
    creator: 'Margins',
    styles: {
      default: {
        // Without these Word falls back to Times New Roman 10pt with no space between paragraphs.
        document: {
          run: { language: { value: meta.language }, font: 'Calibri', size: 22 },
          paragraph: { spacing: { after: 120, line: 276 } },
        },
        heading1: { paragraph: { spacing: { before: 360, after: 120 }, keepNext: true } },
        heading2: { paragraph: { spacing: { before: 240, after: 120 }, keepNext: true } },
        heading3: { paragraph: { spacing: { before: 200, after: 80 }, keepNext: true } },
        listParagraph: { paragraph: { spacing: { after: 60 } } },
      },
      paragraphStyles: [
        {
          id: 'Quote',
          name: 'Quote',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { italics: true, color: '444444' },
          paragraph: {
            indent: { left: INDENT },
            border: { left: { style: BorderStyle.SINGLE, size: 12, color: 'BBBBBB', space: 8 } },
          },
        },
        {
          id: 'SourceCode',
          name: 'Source Code',
          basedOn: 'Normal',
          next: 'Normal',
          run: { font: MONO, size: 19 },
          paragraph: { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F3F3' } },
        },
      ],
    },
    numbering: {
      config: [...numbering.configs].map(([reference, levels]) => ({ reference, levels })),
    },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}

function docxBlocks(node: PMNode, at: BlockContext, numbering: Numbering): Paragraph[] {
  const indent = at.indent > 0 ? { indent: { left: at.indent } } : {};
  const style = at.quote ? { style: 'Quote' } : {};
  switch (node.type.name) {
    case 'heading': {
      const heading = HEADINGS[Math.min(Math.max(Number(node.attrs.level) || 1, 1), 6) - 1];
      return [new Paragraph({ heading, ...indent, children: docxInlines(node) })];
    }
    case 'codeBlock': {
      const lines = xmlSafe(node.textContent).split('\n');
      const runs = lines.map((text, i) => new TextRun({ text, ...(i > 0 ? { break: 1 } : {}) }));
      return [new Paragraph({ style: 'SourceCode', ...indent, children: runs })];
    }
    case 'horizontalRule':
      return [
        new Paragraph({
          ...indent,
          border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } },
        }),
      ];
    case 'blockquote':
      return childBlocks(node, { ...at, quote: true, indent: at.indent + INDENT }, numbering);
    case 'bulletList':
    case 'orderedList': {
      const list = numbering.list(node);
      const level = Math.min(at.listLevel + 1, 8);
      const inside = { ...at, listLevel: level, indent: INDENT * (level + 1) };
      const out: Paragraph[] = [];
      node.forEach((item) => {
        item.forEach((child, _offset, index) => {
          if (index === 0 && child.isTextblock) {
            out.push(
              new Paragraph({ ...style, numbering: { ...list, level }, children: docxInlines(child) }),
            );
          } else out.push(...docxBlocks(child, inside, numbering));
        });
      });
      return out;
    }
    default:
      // paragraph, and any textblock a later schema adds; other containers are walked through.
      if (node.isTextblock) return [new Paragraph({ ...style, ...indent, children: docxInlines(node) })];
      return childBlocks(node, at, numbering);
  }
}

function childBlocks(node: PMNode, at: BlockContext, numbering: Numbering): Paragraph[] {
  const out: Paragraph[] = [];
  node.forEach((child) => {
    out.push(...docxBlocks(child, at, numbering));
  });
  return out;
}

/** A textblock's runs; consecutive runs under the same link become one Word hyperlink. */
function docxInlines(block: PMNode): ParagraphChild[] {
  const groups: { href: string | undefined; runs: TextRun[] }[] = [];
  block.forEach((inline) => {
    const href = linkOf(inline.marks);
    const last = groups[groups.length - 1];
    const run = docxRun(inline, href !== undefined);
    if (href !== undefined && last?.href === href) last.runs.push(run);
    else groups.push({ href, runs: [run] });
  });
  return groups.flatMap(({ href, runs }): ParagraphChild[] =>
    href === undefined ? runs : [new ExternalHyperlink({ link: href, children: runs })],
  );
}

function linkOf(marks: readonly Mark[]): string | undefined {
  const href = marks.find((mark) => mark.type.name === 'link')?.attrs.href;
  return typeof href === 'string' && SAFE_LINK.test(href.trim()) ? href.trim() : undefined;
}

function docxRun(inline: PMNode, inLink: boolean): TextRun {
  if (inline.type.name === 'hardBreak') return new TextRun({ break: 1 });
  const has = (name: string) => inline.marks.some((mark) => mark.type.name === name);
  return new TextRun({
    text: xmlSafe(inline.text ?? ''),
    ...(inLink ? { style: 'Hyperlink' } : {}),
    ...(has('bold') ? { bold: true } : {}),
    ...(has('italic') ? { italics: true } : {}),
    ...(has('strike') ? { strike: true } : {}),
    ...(has('underline') ? { underline: {} } : {}),
    ...(has('code') ? { font: MONO } : {}),
  });
}

/** Drops the control characters XML 1.0 cannot hold (a pasted one would make Word refuse the file). */
function xmlSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
