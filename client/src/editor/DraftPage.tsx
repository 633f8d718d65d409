import type { Editor } from '@tiptap/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftSummary } from '../../../shared/drafts.ts';
import { CloseCode } from '../../../shared/protocol.ts';
import { fetchDraft, NotFoundError } from '../drafts/api.ts';
import { type LocalUser, loadLocalUser, saveLocalUser } from '../identity/localUser.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { DraftEditor } from './DraftEditor.tsx';
import { Outline } from './Outline.tsx';
import { PresenceList, PresenceSummary } from './PresenceList.tsx';
import { useCollaborationSession } from './useCollaborationSession.ts';
import { usePresence } from './usePresence.ts';

type DraftState =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed' }
  | { kind: 'ready'; draft: DraftSummary };

/** One draft: outline on the left, the live text in the middle, the margin on the right. */
export function DraftPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DraftState>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    setDraft({ kind: 'loading' });
    fetchDraft(draftId).then(
      (found) => current && setDraft({ kind: 'ready', draft: found }),
      (error: unknown) =>
        current && setDraft({ kind: error instanceof NotFoundError ? 'missing' : 'failed' }),
    );
    return () => {
      current = false;
    };
  }, [draftId]);

  useEffect(() => {
    if (draft.kind === 'ready') document.title = `${draft.draft.title} · ${t('app.name')}`;
  }, [draft, t]);

  if (draft.kind === 'ready') return <LiveDraft draft={draft.draft} />;
  return (
    <main id="content" className="page page-narrow">
      {draft.kind === 'loading' && <p role="status">{t('draft.loading')}</p>}
      {draft.kind !== 'loading' && (
        <div role="alert" className="notice notice-error">
          <p>{draft.kind === 'missing' ? t('draft.notFound') : t('draft.loadFailed')}</p>
        </div>
      )}
      <p>
        <Link href="/">{t('draft.backToList')}</Link>
      </p>
    </main>
  );
}

/** The contents start folded on a phone, where they would push the text below the fold. */
function wideScreen(): boolean {
  return window.matchMedia('(min-width: 761px)').matches;
}

function LiveDraft({ draft }: { draft: DraftSummary }) {
  const { t } = useTranslation();
  const { session, connection, synced, refusedWith } = useCollaborationSession(draft.id);
  const participants = usePresence(session?.provider);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [user, setUser] = useState<LocalUser>(() =>
    loadLocalUser((number) => t('presence.guest', { number: String(number) })),
  );

  const rename = (name: string) => {
    const next = { ...user, name };
    setUser(next);
    if (name.trim()) saveLocalUser(next);
  };
  const shownUser = { ...user, name: user.name.trim() || t('presence.guest', { number: '' }).trim() };

  if (refusedWith === CloseCode.DraftNotFound) {
    return (
      <main id="content" className="page page-narrow">
        <div role="alert" className="notice notice-error">
          <p>{t('draft.notFound')}</p>
        </div>
        <Link href="/">{t('draft.backToList')}</Link>
      </main>
    );
  }

  return (
    <div className="draft-layout">
      <div className="draft-bar">
        <Link href="/" className="back-link">
          ← {t('draft.backToList')}
        </Link>
        <div className="draft-bar-status">
          <PresenceSummary participants={participants} />
          <ConnectionStatus state={connection} />
        </div>
      </div>
      <nav className="outline" aria-label={t('draft.outline')}>
        <details className="outline-details" open={wideScreen()}>
          <summary className="panel-heading">{t('draft.outline')}</summary>
          {editor && <Outline editor={editor} />}
        </details>
      </nav>
      <main id="content" className="document" aria-busy={!synced}>
        {refusedWith !== undefined && (
          <div role="alert" className="notice notice-error document-notice">
            <p>{t('connection.refused')}</p>
            <button type="button" className="button" onClick={() => window.location.reload()}>
              {t('connection.reload')}
            </button>
          </div>
        )}
        {!synced && (
          <p className="document-loading" role="status">
            {t('draft.loading')}
          </p>
        )}
        {session && (
          <DraftEditor session={session} user={shownUser} language={draft.language} onReady={setEditor} />
        )}
      </main>
      <aside className="margin" aria-label={t('draft.marginLabel')}>
        <PresenceList participants={participants} user={user} onRename={rename} />
        <p className="margin-placeholder">{t('draft.marginPlaceholder')}</p>
      </aside>
    </div>
  );
}
