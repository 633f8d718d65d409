import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftContent } from '../../../shared/drafts.ts';

/** The class of the reading copy's element, on which the editor's typography also applies. */
export const READING_COPY_CLASS = 'reading-copy';

/**
 * The draft's text as the server rendered it (`GET /api/drafts/:draftId/content`), in the editor's
 * place and with its typography, until the live editor has arrived and synced. It is not the
 * editor: another element (no `.prose`), not editable, no textbox role, and the page is marked busy.
 */
export function ReadingCopy({
  content,
  language,
  ref,
}: {
  content: DraftContent;
  language: string;
  ref?: Ref<HTMLDivElement>;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p className="visually-hidden" role="status">
        {t('draft.readingCopy')}
      </p>
      <div
        ref={ref}
        className={READING_COPY_CLASS}
        lang={language}
        data-testid="reading-copy"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: only our API's answer, written by the server's schema renderer (text escaped, no script or handler: server/test/readingCopy.http.test.ts); the CSP (script-src 'self', script-src-attr 'none') would run neither anyway.
        dangerouslySetInnerHTML={{ __html: content.html }}
      />
    </>
  );
}

/** The contents from the reading copy's headings; choosing one scrolls the copy to it. */
export function ReadingOutline({ headings }: { headings: DraftContent['headings'] }) {
  const { t } = useTranslation();
  if (headings.length === 0) return <p className="muted">{t('draft.noHeadings')}</p>;
  return (
    <ol className="outline-list">
      {headings.map((heading, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced, never reordered, and headings have no id.
        <li key={index} className={`outline-item outline-level-${Math.min(heading.level, 4)}`}>
          <button type="button" className="outline-link" onClick={() => jumpTo(index)}>
            {heading.text || '—'}
          </button>
        </li>
      ))}
    </ol>
  );
}

function jumpTo(index: number) {
  const heading = document.querySelectorAll(`.${READING_COPY_CLASS} :is(h1, h2, h3, h4, h5, h6)`)[index];
  if (!(heading instanceof HTMLElement)) return;
  heading.scrollIntoView({ behavior: 'smooth', block: 'start' });
  heading.classList.add('flash');
  window.setTimeout(() => heading.classList.remove('flash'), 1200);
}
