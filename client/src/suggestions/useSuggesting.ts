import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import type { SuggestionAnchor, SuggestionView } from '../../../shared/suggestions.ts';
import { leaveSelection, suggestionAnchorFromSelection } from '../threads/anchorFromSelection.ts';
import { type PlacedSuggestion, placeSuggestions } from './suggestionLayout.ts';
import { useInlineSuggestions } from './useInlineSuggestions.ts';
import { useSuggestingMode } from './useSuggestingMode.ts';

/** The suggestion composer's passage, and the text typed to open it in suggesting mode. */
export interface SuggestionDraft {
  anchor: SuggestionAnchor;
  typed?: string;
}

/** The suggestions placed against the text, the composer of a new one, and suggesting mode. */
export interface Suggesting {
  placed: PlacedSuggestion[];
  composing: SuggestionDraft | undefined;
  /** Opens the composer on the selection (or the caret); `typed` starts its text. */
  start: (typed?: string) => boolean;
  /** Closes the composer; the suggestion just made, if any, takes the focus. */
  finish: (suggestionId: string | undefined) => void;
  /** Suggesting mode: typing in the text proposes instead of changing. */
  mode: boolean;
  toggleMode: () => void;
}

interface Options {
  editor: Editor | null;
  /** The settled document (see useEditorDoc): says when to place the suggestions again. */
  doc: PMNode | null;
  /** The draft's shared document, whose text a new suggestion's anchor points into. */
  ydoc: Y.Doc | undefined;
  suggestions: SuggestionView[];
  canSuggest: boolean;
  /** The composer opens: the margin shows the suggestions. */
  onStart: () => void;
  focus: (suggestionIds: string[], moveFocus: boolean) => void;
}

/**
 * Suggesting on a draft: where its suggestions sit (in the margin and inline in the text), making
 * a new one, and suggesting mode.
 */
export function useSuggesting(options: Options): Suggesting {
  const { editor, doc, ydoc, suggestions, canSuggest, onStart, focus } = options;
  // (`doc` is a dependency although unread: it says when the text has settled.)
  const placed = useMemo(
    () => (doc && editor ? placeSuggestions(editor.state, suggestions) : []),
    [doc, editor, suggestions],
  );
  const [composing, setComposing] = useState<SuggestionDraft>();
  const [mode, setMode] = useState(false);
  const start = (typed?: string) => {
    if (!editor || !ydoc || !canSuggest) return false;
    if (!editor.state.doc.resolve(editor.state.selection.from).parent.isTextblock) return false;
    onStart();
    setComposing({
      anchor: suggestionAnchorFromSelection(editor, ydoc.getXmlFragment(CONTENT_FIELD)),
      typed,
    });
    return true;
  };
  const finish = (suggestionId: string | undefined) => {
    if (editor) leaveSelection(editor);
    setComposing(undefined);
    if (suggestionId) focus([suggestionId], true);
  };
  useSuggestingMode(editor, mode && canSuggest, start);
  useInlineSuggestions(editor, suggestions, (ids) => focus(ids, false));
  return { placed, composing, start, finish, mode, toggleMode: () => setMode((on) => !on) };
}
