import type { Editor } from '@tiptap/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import { CloseCode } from '../../../shared/protocol.ts';
import { DraftRecordLinks } from '../records/DraftRecordLinks.tsx';
import { useSession } from '../session/SessionProvider.tsx';
import { useSuggesting } from '../suggestions/useSuggesting.ts';
import { CommentButton } from '../threads/CommentButton.tsx';
import { openThreadsBySection } from '../threads/threadLayout.ts';
import { useCommenting } from '../threads/useCommenting.ts';
import { useThreads } from '../threads/useThreads.ts';
import { WindowStatus } from '../ui/WindowStatus.tsx';
import { AccessNote } from './AccessNote.tsx';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { DraftEditor } from './DraftEditor.tsx';
import { Margin } from './Margin.tsx';
import { Outline } from './Outline.tsx';
import { PassageHighlights } from './PassageHighlights.tsx';
import { PresenceSummary } from './PresenceList.tsx';
import { useCollaborationSession } from './useCollaborationSession.ts';
import { useDraft } from './useDraft.ts';
import { useEditorDoc } from './useEditorDoc.ts';
import { useMarginFocus } from './useMarginFocus.ts';
import { usePresence } from './usePresence.ts';
import { useShortcuts } from './useShortcuts.ts';

/** One draft: outline on the left, the live text in the middle, the margin on the right. */
export function DraftPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const identity = user === undefined ? undefined : (user?.id ?? 'visitor');
  const draft = useDraft(draftId, identity);

  if (draft.kind === 'ready' && identity !== undefined) {
    return <LiveDraft key={identity} draft={draft.draft} identity={identity} />;
  }
  return (
    <main id="content" className="page page-narrow">
      {draft.kind === 'loading' && <p role="status">{t('draft.loading')}</p>}
      {(draft.kind === 'missing' || draft.kind === 'failed') && (
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

function LiveDraft({ draft, identity }: { draft: DraftView; identity: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const { session, connection, synced, refusedWith, readOnly } = useCollaborationSession(draft.id, identity);
  const participants = usePresence(session?.provider);
  const [editor, setEditor] = useState<Editor | null>(null);
  const doc = useEditorDoc(editor);
  const editable = draft.permissions.edit && !readOnly;
  const { threads, suggestions } = useThreads(draft.id, identity, synced);
  const canComment = draft.permissions.comment;
  const canResolve = draft.permissions.edit;
  const focus = useMarginFocus();
  const { setTab, focusThreads, focusSuggestions } = focus;
  const commenting = useCommenting({
    editor,
    doc,
    ydoc: session?.doc,
    threads,
    canComment,
    onStart: () => setTab('comments'),
    focus: focusThreads,
  });
  const suggesting = useSuggesting({
    editor,
    doc,
    ydoc: session?.doc,
    suggestions,
    canSuggest: canComment,
    onStart: () => setTab('suggestions'),
    focus: focusSuggestions,
  });
  const { placed } = commenting;
  useShortcuts(editor, { comment: commenting.start, suggest: () => suggesting.start() });
  const caretUser = {
    name: user?.name ?? '',
    color: user?.color ?? '#667085',
    role: user?.role ?? 'visitor',
  };

  if (refusedWith === CloseCode.DraftNotFound || refusedWith === CloseCode.Forbidden) {
    return (
      <main id="content" className="page page-narrow">
        <div role="alert" className="notice notice-error">
          <p>{refusedWith === CloseCode.Forbidden ? t('draft.noLongerAllowed') : t('draft.notFound')}</p>
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
        <DraftRecordLinks draftId={draft.id} />
        <div className="draft-bar-status">
          <a href="#threads-heading" className="comments-jump">
            {t('threads.jump', { count: placed.filter((p) => p.thread.status === 'open').length })}
          </a>
          <PresenceSummary participants={participants} />
          <ConnectionStatus state={connection} />
        </div>
      </div>
      <nav className="outline" aria-label={t('draft.outline')}>
        <details className="outline-details" open={wideScreen()}>
          <summary className="panel-heading">{t('draft.outline')}</summary>
          {editor && <Outline editor={editor} openThreads={openThreadsBySection(placed)} />}
        </details>
      </nav>
      <main id="content" className="document" aria-busy={!synced}>
        <PassageHighlights placed={placed} active={focus.active} />
        {editor && canComment && (
          <CommentButton
            editor={editor}
            onComment={commenting.start}
            onSuggest={() => suggesting.start()}
            hidden={Boolean(commenting.composing || suggesting.composing)}
          />
        )}
        <div className="document-status">
          <WindowStatus draft={draft} />
          {canComment && (
            <button
              type="button"
              className={`mode-toggle${suggesting.mode ? ' mode-on' : ''}`}
              aria-pressed={suggesting.mode}
              onClick={suggesting.toggleMode}
              title={t('suggestions.modeHint')}
            >
              {t('suggestions.mode')}
            </button>
          )}
          {!editable && <AccessNote signedIn={Boolean(user)} />}
        </div>
        {refusedWith !== undefined && (
          <div role="alert" className="notice notice-error document-notice">
            <p>
              {refusedWith === CloseCode.TooManyConnections
                ? t('connection.tooMany')
                : t('connection.refused')}
            </p>
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
          <DraftEditor
            session={session}
            user={caretUser}
            editable={editable}
            language={draft.language}
            onReady={setEditor}
            onPassageClick={focusThreads}
            onSuggestionClick={focusSuggestions}
          />
        )}
      </main>
      <Margin
        editor={editor}
        draftId={draft.id}
        participants={participants}
        user={user ?? null}
        canComment={canComment}
        canResolve={canResolve}
        focus={focus}
        commenting={commenting}
        suggesting={suggesting}
      />
    </div>
  );
}
