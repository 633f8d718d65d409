import { diffWordsWithSpace } from 'diff';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Before → after, word by word: removed words struck through, added ones underlined. */
export function WordDiff({ before, after }: { before: string; after: string }) {
  const { t } = useTranslation();
  const parts = useMemo(() => diffWordsWithSpace(before, after), [before, after]);
  return (
    <p className="word-diff">
      {parts.map((part, index) => {
        const key = `${index}:${part.value}`;
        if (part.removed)
          return (
            <del key={key} className="diff-removed" title={t('suggestions.removed')}>
              {part.value}
            </del>
          );
        if (part.added)
          return (
            <ins key={key} className="diff-added" title={t('suggestions.added')}>
              {part.value}
            </ins>
          );
        return <span key={key}>{part.value}</span>;
      })}
    </p>
  );
}
