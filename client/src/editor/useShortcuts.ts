import type { Editor } from '@tiptap/core';
import { useEffect, useRef } from 'react';

export type Shortcut = 'comment' | 'suggest';

/** Which shortcut a key press is, if any: Ctrl (or ⌘) + Alt + M comments, + S suggests. */
export function shortcutOf(
  event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'code'>,
): Shortcut | undefined {
  if (!(event.ctrlKey || event.metaKey) || !event.altKey) return undefined;
  // `code`, not `key`: with Alt held, some layouts turn the letter into another character.
  if (event.code === 'KeyM') return 'comment';
  if (event.code === 'KeyS') return 'suggest';
  return undefined;
}

/**
 * Ctrl+Alt+M (comment) and Ctrl+Alt+S (suggest) wherever the selection is in the text. They are
 * listened for on the document: a stakeholder's text is read-only, so it never has the focus.
 */
export function useShortcuts(editor: Editor | null, actions: Record<Shortcut, () => void>) {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    if (!editor) return;
    const onKey = (event: KeyboardEvent) => {
      const shortcut = shortcutOf(event);
      if (!shortcut) return;
      const anchor = window.getSelection()?.anchorNode;
      const target = event.target instanceof Node ? event.target : null;
      const inText = [anchor, target].some((node) => node && editor.view.dom.contains(node));
      if (!inText) return;
      event.preventDefault();
      latest.current[shortcut]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [editor]);
}
