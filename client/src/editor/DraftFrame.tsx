import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import { DraftRecordLinks } from '../records/DraftRecordLinks.tsx';
import { WindowStatus } from '../ui/WindowStatus.tsx';
import { AccessNote } from './AccessNote.tsx';

interface Props {
  draft: DraftView;
  /** Right of the bar: the comments' count and who is here (once live), then the connection. */
  status: ReactNode;
  /** The list of headings. */
  outline: ReactNode;
  /** First in the text's column: the highlights' style rules and the comment button (once live). */
  overlay?: ReactNode;
  /**
   * The suggesting-mode switch, for people who may comment. Without `onToggle` it holds its place,
   * disabled, until the editor has arrived.
   */
  suggesting?: { on: boolean; onToggle?: () => void };
  /** Undefined while the session is being read. */
  signedIn: boolean | undefined;
  editable: boolean;
  /** Above the text: why the connection ended, or why the editor could not be loaded. */
  notice?: ReactNode;
  /** The text is not yet the live document. */
  busy: boolean;
  /** The text: the reading copy, then the editor. */
  children: ReactNode;
  margin: ReactNode;
}

/** The contents start folded on a phone, where they would push the text below the fold. */
function wideScreen(): boolean {
  return window.matchMedia('(min-width: 761px)').matches;
}

/**
 * The draft page's layout, outline on the left, the text in the middle, the margin on the right:
 * the same while the reading copy shows (with the shell's code alone) and once the live editor
 * has taken over, so that nothing moves when it does.
 */
export function DraftFrame(props: Props) {
  const { draft, suggesting } = props;
  const { t } = useTranslation();
  return (
    <div className="draft-layout">
      <div className="draft-bar">
        <Link href="/" className="back-link">
          ← {t('draft.backToList')}
        </Link>
        <DraftRecordLinks draftId={draft.id} />
        <div className="draft-bar-status">{props.status}</div>
      </div>
      <nav className="outline" aria-label={t('draft.outline')}>
        <details className="outline-details" open={wideScreen()}>
          <summary className="panel-heading">{t('draft.outline')}</summary>
          {props.outline}
        </details>
      </nav>
      <main id="content" className="document" aria-busy={props.busy}>
        {props.overlay}
        <div className="document-status">
          <WindowStatus draft={draft} />
          {suggesting && (
            <button
              type="button"
              className={`mode-toggle${suggesting.on ? ' mode-on' : ''}`}
              aria-pressed={suggesting.on}
              disabled={!suggesting.onToggle}
              onClick={suggesting.onToggle}
              title={t('suggestions.modeHint')}
            >
              {t('suggestions.mode')}
            </button>
          )}
          {!props.editable && <AccessNote signedIn={props.signedIn} />}
        </div>
        {props.notice}
        {props.children}
      </main>
      {props.margin}
    </div>
  );
}
