import type { Editor } from '@tiptap/core';
import { BubbleMenu } from '@tiptap/react/menus';
import { useTranslation } from 'react-i18next';

/**
 * "Comment" and "Suggest an edit" beside a selection, for people who may take part (the editor
 * may be read-only for them).
 */
export function CommentButton({
  editor,
  onComment,
  onSuggest,
}: {
  editor: Editor;
  onComment: () => void;
  onSuggest: () => void;
}) {
  const { t } = useTranslation();
  return (
    <BubbleMenu
      className="bubble-menu"
      editor={editor}
      pluginKey="comment-button"
      shouldShow={({ state }) =>
        !state.selection.empty &&
        state.doc.textBetween(state.selection.from, state.selection.to).trim() !== ''
      }
    >
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
  );
}
