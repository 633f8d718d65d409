import { MarkdownManager } from '@tiptap/markdown';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Transform } from '@tiptap/pm/transform';
import { renderToHTMLString } from '@tiptap/static-renderer/pm/html-string';
import { COMMENT_MARK, SUGGESTION_MARK } from '../../../shared/anchoring/locate.ts';
import type { DraftContent } from '../../../shared/drafts.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';

/** What an export needs to know about the draft besides its text. */
export interface DraftExportMeta {
  title: string;
  /** A language tag such as `fr` (the draft's `language`). */
  language: string;
}

const extensions = contentExtensions();
const markdown = new MarkdownManager({ extensions });
const ANCHOR_MARKS = [COMMENT_MARK.mark, SUGGESTION_MARK.mark];
export const SAFE_LINK = /^(https?:|mailto:)/i;

/** The draft without comment and suggestion marks: exports carry the text, never the discussion. */
export function withoutAnchorMarks(doc: PMNode): PMNode {
  const tr = new Transform(doc);
  for (const name of ANCHOR_MARKS) {
    const type = doc.type.schema.marks[name];
    if (type) tr.removeMark(0, doc.content.size, type);
  }
  return tr.doc;
}

/**
 * The draft as a Markdown draft file: YAML front matter with its title and language, then the body
 * written by the same MarkdownManager the importer reads with, so the file imports back as it was.
 */
export function draftMarkdown(doc: PMNode, meta: DraftExportMeta): string {
  const body = markdown.serialize(withoutAnchorMarks(doc).toJSON()).trim();
  // A JSON string is a valid YAML double-quoted scalar: no title can break the front matter.
  const front = `---\ntitle: ${JSON.stringify(meta.title)}\nlanguage: ${JSON.stringify(meta.language)}\n---\n`;
  return `${front}\n${body}\n`;
}

const HTML_STYLE = `
  @page { margin: 2cm; }
  body { font: 11pt/1.55 Georgia, 'Times New Roman', serif; color: #111; margin: 0 auto; max-width: 42rem; padding: 2rem 1rem; }
  h1, h2, h3, h4 { font-family: system-ui, sans-serif; line-height: 1.25; break-after: avoid; }
  blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid #bbb; color: #444; font-style: italic; }
  pre, code { font-family: 'Courier New', monospace; font-size: 0.9em; }
  pre { background: #f3f3f3; padding: 0.75em; white-space: pre-wrap; break-inside: avoid; }
  li > p { margin: 0.2em 0; }
  a { color: #1a4fa0; }
  hr { border: 0; border-top: 1px solid #999; }
  @media print { body { padding: 0; max-width: none; } a::after { content: " (" attr(href) ")"; font-size: 0.85em; } }`;

/**
 * The draft as a standalone HTML5 page. The body is written by TipTap's static renderer
 * (`@tiptap/static-renderer/pm/html-string`), which turns the editor's own `renderHTML` specs into
 * an escaped string with no DOM at all: no jsdom or happy-dom on the server, and the same markup
 * as the editor. Links keep their href (TipTap empties unsafe ones); the page runs no script and
 * its Content-Security-Policy would refuse any.
 */
export function draftHtml(doc: PMNode, meta: DraftExportMeta): string {
  const body = renderToHTMLString({ extensions, content: withoutAnchorMarks(doc) });
  const title = escapeHtml(meta.title);
  const heading = opensWithTitle(doc, meta.title) ? '' : `<h1>${title}</h1>\n`;
  return `<!doctype html>
<html lang="${escapeHtml(meta.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title>
<style>${HTML_STYLE}
</style>
</head>
<body>
<main>
${heading}${body}
</main>
</body>
</html>
`;
}

/**
 * The draft's text for reading before the live editor arrives: the body alone, written by the same
 * static renderer as `draftHtml` from the editor's own `renderHTML` specs, so the browser can show
 * it in the editor's place with the editor's styles. The passages of `openThreads` keep their
 * comment mark (the page highlights those; a resolved thread's mark stays in the document, and the
 * page hides it); text and attributes are escaped by the renderer, and a schema has no node that
 * writes a script or an event handler.
 */
export function draftReadingCopy(doc: PMNode, openThreads: ReadonlySet<string>): DraftContent {
  const headings: DraftContent['headings'] = [];
  const tr = new Transform(doc);
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') {
      headings.push({ level: Number(node.attrs.level) || 1, text: node.textContent });
    }
    for (const mark of node.marks) {
      if (mark.type.name === COMMENT_MARK.mark && !openThreads.has(String(mark.attrs.threadId))) {
        tr.removeMark(pos, pos + node.nodeSize, mark);
      }
    }
    return true;
  });
  return { html: renderToHTMLString({ extensions, content: tr.doc }), headings };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether the draft's first block is a heading reading its title (drafts usually open so). */
export function opensWithTitle(doc: PMNode, title: string): boolean {
  const first = doc.firstChild;
  return first?.type.name === 'heading' && first.textContent.trim() === title.trim();
}
