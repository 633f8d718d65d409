import type { Editor } from '@tiptap/core';
import { useEffect, useRef } from 'react';

/**
 * What a key press in the text does in suggesting mode: passes through to the editor (it changes
 * nothing, or is a shortcut), is blocked (it would change the text in a way a suggestion cannot
 * start from), or proposes a change and opens the composer with `typed` as its first text
 * (empty when deleting the selection).
 */
export type SuggestingKey = { action: 'pass' } | { action: 'block' } | { action: 'propose'; typed: string };

/** Decides a key press in suggesting mode; `selectionEmpty` is whether only a caret is in the text. */
export function suggestingKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing'>,
  selectionEmpty: boolean,
): SuggestingKey {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return { action: 'pass' };
  const typed = event.key.length === 1 ? event.key : undefined;
  const deleting = (event.key === 'Backspace' || event.key === 'Delete') && !selectionEmpty;
  if (typed !== undefined || deleting) return { action: 'propose', typed: typed ?? '' };
  // Other keys that would change the text (a line break, deleting one character) do nothing.
  const changing = ['Enter', 'Backspace', 'Delete', 'Tab'].includes(event.key);
  return changing ? { action: 'block' } : { action: 'pass' };
}

/**
 * Suggesting mode, as word processors have it: typing over a selection (or at the caret), or
 * deleting a selection, proposes the change as a suggestion instead of making it. The first key
 * opens the composer with it; the rest is typed there.
 */
export function useSuggestingMode(editor: Editor | null, on: boolean, start: (typed?: string) => boolean) {
  const begin = useRef(start);
  begin.current = start;
  useEffect(() => {
    if (!editor || !on) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      const selection = window.getSelection();
      const inText = selection?.anchorNode && editor.view.dom.contains(selection.anchorNode);
      if (!inText) return;
      const decided = suggestingKey(event, editor.state.selection.empty);
      if (decided.action === 'pass') return;
      event.preventDefault();
      event.stopPropagation();
      if (decided.action === 'propose') begin.current(decided.typed);
    };
    // Pasting, cutting and dropping would change the text directly: not in suggesting mode.
    const block = (event: Event) => {
      if (event.target instanceof Node && editor.view.dom.contains(event.target)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    // Capture: ahead of the editor, which would otherwise make the change itself.
    document.addEventListener('keydown', onKey, true);
    for (const type of ['paste', 'cut', 'drop']) document.addEventListener(type, block, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      for (const type of ['paste', 'cut', 'drop']) document.removeEventListener(type, block, true);
    };
  }, [editor, on]);
}
