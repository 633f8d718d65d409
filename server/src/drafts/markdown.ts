import { getSchema } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { Node } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import matter from 'gray-matter';
import * as Y from 'yjs';
import { CONTENT_FIELD, draftLanguageSchema } from '../../../shared/drafts.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';

const extensions = contentExtensions();
const schema = getSchema(extensions);
const markdown = new MarkdownManager({ extensions });

/** Converts Markdown to a Yjs update holding the document in the editor's content fragment. */
export function markdownToYjsState(text: string): Uint8Array {
  const json = markdown.parse(text);
  // An empty body parses to a doc without blocks, which the schema (block+) refuses: start blank.
  if (!json.content?.length) json.content = [{ type: 'paragraph' }];
  // fromJSON + check() rejects anything the editor's schema could not hold.
  const node = Node.fromJSON(schema, json);
  node.check();
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(node, doc.getXmlFragment(CONTENT_FIELD));
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

export interface ParsedDraftFile {
  title: string;
  language: string;
  body: string;
}

export class DraftFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftFileError';
  }
}

/**
 * Reads a draft file: YAML front matter with `title` and `language`, then Markdown. Without a
 * title, the first `# heading` is used; without a language, `en`.
 */
export function parseDraftFile(source: string): ParsedDraftFile {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source);
  } catch (error) {
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
  return { title, language, body: parsed.content };
}
