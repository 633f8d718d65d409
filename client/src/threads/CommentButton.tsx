import type { Editor } from '@tiptap/core';
import { lazy, Suspense, useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

// The bubble menu brings Floating UI and ProseMirror's table selection (about 15 kB compressed);
// only people who may comment see it, so a visitor never downloads it. The menu checks the
// selection when it mounts, so a selection made while it downloads is not missed.
const BubbleMenu = lazy(async () => ({ default: (await import('@tiptap/react/menus')).BubbleMenu }));

/**
 * "Comment" and "Suggest an edit" beside a selection, for people who may take part (the editor
 * may be read-only for them).
 */
export function CommentButton({
  editor,
  onComment,
  onSuggest,
  hidden,
}: {
  editor: Editor;
  onComment: () => void;
  onSuggest: () => void;
  /** While a comment or suggestion is being written, the toolbar would only cover the text. */
  hidden: boolean;
}) {
  const { t } = useTranslation();
  // The menu stays mounted (remounting it could miss a selection made meanwhile); it is told to
  // look again when `hidden` changes.
  const hide = useRef(hidden);
  hide.current = hidden;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `hidden` is the reason to look again.
  useEffect(() => {
    if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta('addToHistory', false));
  }, [editor, hidden]);
  // One function for the menu's lifetime: a new one at each render would make the menu plugin
  // update its options (and move its element) at every render of the page.
  const shouldShow = useCallback(
    ({ state }: { state: Editor['state'] }) =>
      !hide.current &&
      !state.selection.empty &&
      state.doc.textBetween(state.selection.from, state.selection.to).trim() !== '',
    [],
  );
  return (
    <Suspense fallback={null}>
      <BubbleMenu className="bubble-menu" editor={editor} pluginKey="comment-button" shouldShow={shouldShow}>
        <button
          type="button"
          className="bubble-button"
          onMouseDown={(event) => event.preventDefault()}
          onClick={onComment}
          aria-keyshortcuts="Control+Alt+M"
        >
          {t('threads.comment')}
          <kbd className="shortcut">{t('threads.shortcut')}</kbd>
        </button>
        <button
          type="button"
          className="bubble-button"
          onMouseDown={(event) => event.preventDefault()}
          onClick={onSuggest}
          aria-keyshortcuts="Control+Alt+S"
        >
          {t('suggestions.suggest')}
          <kbd className="shortcut">{t('suggestions.shortcut')}</kbd>
        </button>
      </BubbleMenu>
    </Suspense>
  );
}
