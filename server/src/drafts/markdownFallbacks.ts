import { Extension, type JSONContent, type MarkdownParseHelpers, type MarkdownToken } from '@tiptap/core';

// Markdown the editor's schema has no node for: images, raw HTML, tables. The draft is imported
// anyway, each of them as its text, and `unsupportedMarkdown` names them so the importer can say
// what was changed. Without the handlers below a table vanished without a word and an HTML block
// showed its tags as text.

/** A table: one paragraph per row (the header row first), its cells separated by " | ". */
const tableAsText = Extension.create({
  name: 'tableAsText',
  markdownTokenName: 'table',
  parseMarkdown: (token: MarkdownToken, helpers: MarkdownParseHelpers) => {
    const rows = [token.header as MarkdownToken[], ...((token.rows ?? []) as MarkdownToken[][])];
    return rows.map((cells) => ({
      type: 'paragraph',
      content: cells.flatMap((cell, i) => [
        ...(i > 0 ? [helpers.createTextNode(' | ')] : []),
        ...helpers.parseInline(cell.tokens ?? []),
      ]),
    }));
  },
});

/**
 * An HTML block: its text without the tags (an `<img>` by its alt text), a paragraph per blank
 * line. An empty text node stands for HTML with no text (a comment): the handler must return
 * something, or the parser falls back to the tags as text, and the schema fitting drops empty text.
 * (Inline HTML does not reach this handler: the parser reads it itself.)
 */
const htmlAsText = Extension.create({
  name: 'htmlAsText',
  markdownTokenName: 'html',
  parseMarkdown: (token: MarkdownToken, helpers: MarkdownParseHelpers): JSONContent | JSONContent[] => {
    const text = htmlText(token.text ?? token.raw ?? '');
    if (!token.block) return helpers.createTextNode(text);
    // A blank line separates paragraphs; other line breaks in HTML are spaces, as a browser shows them.
    const paragraphs = text
      .split(/\n\s*\n/)
      .map((part) => part.replace(/\s*\n\s*/g, ' ').trim())
      .filter(Boolean);
    if (!paragraphs.length) return helpers.createTextNode('');
    return paragraphs.map((part) => ({ type: 'paragraph', content: [helpers.createTextNode(part)] }));
  },
});

/** Registered with the Markdown parser beside the content extensions; they add no node to the schema. */
export const TEXT_FALLBACKS = [tableAsText, htmlAsText];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };

/** The text of an HTML fragment: comments and tags removed (images by their alt), entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<img\b[^>]*?\balt\s*=\s*(["'])(.*?)\1[^>]*>/gi, '$2')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity;
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/[ \t]+\n/g, '\n');
}

// Token types the schema holds as they are (marked's names). `def` is a link reference
// definition, used by the links; `space` is blank lines.
const SUPPORTED = new Set([
  'paragraph',
  'heading',
  'text',
  'list',
  'list_item',
  'blockquote',
  'code',
  'codespan',
  'strong',
  'em',
  'del',
  'link',
  'hr',
  'br',
  'escape',
  'space',
  'def',
]);

/** What in these Markdown tokens the draft cannot hold as it is, one sentence each. */
export function unsupportedMarkdown(tokens: readonly MarkdownToken[]): string[] {
  const found: string[] = [];
  const visit = (token: MarkdownToken) => {
    const type = token.type ?? '';
    if (type === 'image') {
      found.push(
        token.text
          ? `image "${token.text}" (${token.href}) replaced by its alt text`
          : `image ${token.href} left out: it has no alt text`,
      );
    } else if (type === 'html') {
      // The parser hands inline HTML to its own HTML reader, which on a server keeps it as written.
      const html = String(token.raw ?? '').trim();
      if (html && token.block) found.push(`HTML block ${quoted(html)} replaced by its text`);
      else if (html) found.push(`inline HTML ${quoted(html)} kept as written`);
    } else if (type === 'checkbox') {
      found.push(`task list checkbox ${quoted(String(token.raw ?? ''))} left out`);
    } else if (type === 'table') {
      found.push(`table of ${(token.rows?.length ?? 0) + 1} rows kept as text, one paragraph per row`);
    } else if (!SUPPORTED.has(type)) {
      found.push(`"${type}" ${quoted(String(token.raw ?? ''))} is not supported: kept as its text`);
    }
    for (const child of token.tokens ?? []) visit(child);
    for (const item of token.items ?? []) visit(item);
    // A table's cells are not tokens themselves; their contents are.
    const cells = [...(token.header ?? []), ...((token.rows ?? []) as MarkdownToken[][]).flat()];
    for (const cell of cells as MarkdownToken[]) for (const child of cell.tokens ?? []) visit(child);
  };
  for (const token of tokens) visit(token);
  return found;
}

/** A short quotation of source text, for a warning. */
function quoted(source: string): string {
  const line = source.replace(/\s+/g, ' ').trim();
  return `"${line.length > 60 ? `${line.slice(0, 57)}…` : line}"`;
}
