import { getSchema } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import matter from 'gray-matter';
import * as Y from 'yjs';
import type { ConsultationWindow, Visibility } from '../../../shared/consultation.ts';
import { consultationWindowSchema, draftLanguageSchema } from '../../../shared/draftSchemas.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';
import { fitToSchema, type Warn } from './fitToSchema.ts';
import { TEXT_FALLBACKS, unsupportedMarkdown } from './markdownFallbacks.ts';

const extensions = contentExtensions();
const schema = getSchema(extensions);
const markdown = new MarkdownManager({ extensions: [...extensions, ...TEXT_FALLBACKS] });

/**
 * Converts Markdown to a Yjs update holding the document in the editor's content fragment. What
 * the editor cannot hold (an image, raw HTML, a table) is kept as its text, and each such change
 * is told to `warn`: one unsupported construct never fails the whole draft.
 */
export function markdownToYjsState(text: string, warn: Warn = () => {}): Uint8Array {
  const told = new Set<string>();
  const once: Warn = (message) => {
    if (!told.has(message)) {
      told.add(message);
      warn(message);
    }
  };
  for (const message of unsupportedMarkdown(markdown.instance.lexer(text))) once(message);
  const node = fitToSchema(schema, markdown.parse(text), once);
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(node, doc.getXmlFragment(CONTENT_FIELD));
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

export interface ParsedDraftFile {
  title: string;
  language: string;
  visibility: Visibility;
  /** From `consultation: { opens, closes }`; undefined means the default window. */
  window: ConsultationWindow | undefined;
  body: string;
}

export class DraftFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftFileError';
  }
}

const refuseCode = () => {
  throw new DraftFileError(
    'The front matter must be YAML: `---js` or `---coffee` front matter would run code, and is refused',
  );
};

/**
 * gray-matter runs `---js` front matter through `eval` (and `---coffee` through CoffeeScript). A
 * draft file may come from anyone who sends one to an operator, so only the data engines stay.
 */
const CODE_FREE_ENGINES = { javascript: refuseCode, js: refuseCode, coffee: refuseCode };

/**
 * Reads a draft file: YAML front matter with `title` and `language`, then Markdown. Without a
 * title, the first `# heading` is used; without a language, `en`. Optional: `visibility` (public,
 * private) and `consultation: { opens, closes }` (dates or date-times; a bare date is midnight UTC).
 */
export function parseDraftFile(source: string): ParsedDraftFile {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source, { engines: CODE_FREE_ENGINES });
  } catch (error) {
    if (error instanceof DraftFileError) throw error;
    throw new DraftFileError(`The front matter is not valid YAML: ${(error as Error).message}`);
  }
  const data = parsed.data as Record<string, unknown>;
  // [ \t], not \s: a bare `#` line must not take the next paragraph for its text.
  const heading = /^#[ \t]+(.+)$/m.exec(parsed.content)?.[1]?.trim();
  const title = typeof data.title === 'string' && data.title.trim() ? data.title.trim() : heading;
  if (!title)
    throw new DraftFileError('The draft has no title: add `title:` to its front matter or a # heading');
  const language = data.language ?? 'en';
  if (typeof language !== 'string' || !draftLanguageSchema.safeParse(language).success) {
    throw new DraftFileError(`"${String(language)}" is not a language tag such as en, fr or es`);
  }
  const visibility = data.visibility ?? 'public';
  if (visibility !== 'public' && visibility !== 'private') {
    throw new DraftFileError(`visibility must be public or private, not "${String(visibility)}"`);
  }
  return { title, language, visibility, window: readWindow(data.consultation), body: parsed.content };
}

function readWindow(value: unknown): ConsultationWindow | undefined {
  if (value === undefined || value === null) return undefined;
  const { opens, closes } = (typeof value === 'object' ? value : {}) as { opens?: unknown; closes?: unknown };
  const instant = (v: unknown) => {
    // YAML turns unquoted dates into Date objects; quoted ones stay strings.
    const date = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
  };
  const window = { opensAt: instant(opens), closesAt: instant(closes) };
  const checked = consultationWindowSchema.safeParse(window);
  if (!checked.success) {
    throw new DraftFileError(
      'consultation needs `opens` and `closes` dates, closing after opening (e.g. opens: 2026-12-01, closes: 2027-02-28)',
    );
  }
  return checked.data;
}
