import type { Editor } from '@tiptap/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SuggestionView } from '../../../shared/suggestions.ts';
import { suggestionsKey } from './suggestionDecorations.ts';

/**
 * Hands the open suggestions to the editor's inline decorations (struck-through words, proposed
 * words beside them), again whenever they or the reader's language change.
 */
export function useInlineSuggestions(
  editor: Editor | null,
  suggestions: SuggestionView[],
  onActivate: (ids: string[]) => void,
) {
  const { t } = useTranslation();
  const activate = useRef(onActivate);
  activate.current = onActivate;
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    const describe = (s: SuggestionView) =>
      s.author.organisation
        ? t('suggestions.byWithOrganisation', { name: s.author.name, organisation: s.author.organisation })
        : t('suggestions.by', { name: s.author.name || t('threads.formerMember') });
    const tr = editor.state.tr.setMeta(suggestionsKey, {
      suggestions,
      describe,
      onActivate: (id: string) => activate.current([id]),
    });
    editor.view.dispatch(tr.setMeta('addToHistory', false));
  }, [editor, suggestions, t]);
}
