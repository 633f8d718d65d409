import type { AnyExtension } from '@tiptap/core';
import { StarterKit } from '@tiptap/starter-kit';
import { CommentMark } from './anchoring/commentMark.ts';
import { SuggestionMark } from './anchoring/suggestionMark.ts';

/**
 * The document schema, as TipTap extensions. The browser editor, the Markdown importer and (later)
 * the exporters must agree on it, or content written by one is dropped by another.
 * Undo/redo is off because Collaboration brings its own Yjs-aware undo manager.
 */
export function contentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      link: { openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'] },
    }),
    CommentMark,
    SuggestionMark,
  ];
}
