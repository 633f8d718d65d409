import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { useEffect, useState } from 'react';

/** How long the text must rest before the margin and outline re-read it. */
const SETTLE_MS = 150;

/**
 * The editor's document as the margin and the outline see it (null before the editor exists):
 * re-read once the text has rested for SETTLE_MS. Re-placing thousands of threads on every
 * keystroke would make typing miss frames; the highlights themselves are marks in the text and
 * move with it at once.
 */
export function useEditorDoc(editor: Editor | null): PMNode | null {
  const [doc, setDoc] = useState<PMNode | null>(null);
  useEffect(() => {
    if (!editor) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => setDoc(editor.state.doc);
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(read, SETTLE_MS);
    };
    read();
    editor.on('update', settle);
    return () => {
      clearTimeout(timer);
      editor.off('update', settle);
    };
  }, [editor]);
  return doc;
}
