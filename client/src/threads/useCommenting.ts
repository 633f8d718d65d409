import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { useMemo, useState } from 'react';
import type * as Y from 'yjs';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import type { ThreadView } from '../../../shared/threads.ts';
import { anchorFromSelection, leaveSelection } from './anchorFromSelection.ts';
import { type PlacedThread, placeThreads } from './threadLayout.ts';

/** The threads placed against the text, and the composer of a new one. */
export interface Commenting {
  placed: PlacedThread[];
  /** The passage a new thread is being written on, while its composer is open. */
  composing: Anchor | undefined;
  /** Opens the composer on the selection (nothing happens without one). */
  start: () => void;
  /** Closes the composer; the thread just started, if any, takes the focus. */
  finish: (threadId: string | undefined) => void;
}

interface Options {
  editor: Editor | null;
  /** The settled document (see useEditorDoc): says when to place the threads again. */
  doc: PMNode | null;
  /** The draft's shared document, whose text a new thread's anchor points into. */
  ydoc: Y.Doc | undefined;
  threads: ThreadView[];
  canComment: boolean;
  /** The composer opens: the margin shows the comments. */
  onStart: () => void;
  focus: (threadIds: string[], moveFocus: boolean) => void;
}

/** Commenting on a draft: where its threads sit in the text, and starting a new one. */
export function useCommenting({
  editor,
  doc,
  ydoc,
  threads,
  canComment,
  onStart,
  focus,
}: Options): Commenting {
  // Placed against the editor's text as it is now: a new thread's mark may have arrived after the
  // last settled read, and it must not show as "found again" in the meantime.
  // (`doc` is a dependency although unread: it says when the text has settled.)
  const placed = useMemo(
    () => (doc && editor ? placeThreads(editor.state.doc, threads) : []),
    [doc, editor, threads],
  );
  const [composing, setComposing] = useState<Anchor>();
  const start = () => {
    if (!editor || !ydoc || !canComment) return;
    const anchor = anchorFromSelection(editor, ydoc.getXmlFragment(CONTENT_FIELD));
    if (anchor) {
      onStart();
      setComposing(anchor);
    }
  };
  const finish = (threadId: string | undefined) => {
    if (editor) leaveSelection(editor);
    setComposing(undefined);
    if (threadId) focus([threadId], true);
  };
  return { placed, composing, start, finish };
}
