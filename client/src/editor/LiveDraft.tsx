import type { Editor } from '@tiptap/core';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftContent, DraftView } from '../../../shared/drafts.ts';
import { CloseCode } from '../../../shared/protocol.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { useSuggesting } from '../suggestions/useSuggesting.ts';
import { CommentButton } from '../threads/CommentButton.tsx';
import { openThreadsBySection } from '../threads/threadLayout.ts';
import { useCommenting } from '../threads/useCommenting.ts';
import { useThreads } from '../threads/useThreads.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { DraftEditor } from './DraftEditor.tsx';
import { DraftFrame } from './DraftFrame.tsx';
import { Margin } from './Margin.tsx';
import { Outline } from './Outline.tsx';
import { PassageHighlights } from './PassageHighlights.tsx';
import { PresenceSummary } from './PresenceList.tsx';
import { ReadingCopy, ReadingOutline } from './ReadingCopy.tsx';
import { useCollaborationSession } from './useCollaborationSession.ts';
import { useEditorDoc } from './useEditorDoc.ts';
import { useMarginFocus } from './useMarginFocus.ts';
import { usePresence } from './usePresence.ts';
import { useShortcuts } from './useShortcuts.ts';
import { useTakeOver } from './useTakeOver.ts';

interface Props {
  draft: DraftView;
  identity: string;
  /** The text to show until the editor has synced; undefined if it could not be fetched. */
  copy: DraftContent | undefined;
}

/**
 * The live draft (the part of the page that is loaded on demand): the TipTap editor on the shared
 * Yjs document, carets, presence, the margin's threads and suggestions. It shows the reading copy
 * until the editor has synced, then puts the editor in its place.
 */
export function LiveDraft({ draft, identity, copy }: Props) {
  const { t } = useTranslation();
  const { user } = useSession();
  const { session, connection, synced, refusedWith, readOnly } = useCollaborationSession(draft.id, identity);
  const participants = usePresence(session?.provider);
  const [mounted, setMounted] = useState<Editor | null>(null);
  const copyElement = useRef<HTMLDivElement>(null);
  const editorRoot = useCallback(() => mounted?.view.dom ?? null, [mounted]);
  const takenOver = useTakeOver(synced && mounted !== null, copyElement, editorRoot);
  // Until it has taken over, the editor is hidden and nothing else may measure or use it.
  const editor = takenOver ? mounted : null;
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
    <DraftFrame
      draft={draft}
      status={
        <>
          <a href="#threads-heading" className="comments-jump">
            {t('threads.jump', { count: placed.filter((p) => p.thread.status === 'open').length })}
          </a>
          <PresenceSummary participants={participants} />
          <ConnectionStatus state={connection} />
        </>
      }
      outline={
        editor ? (
          <Outline editor={editor} openThreads={openThreadsBySection(placed)} />
        ) : (
          copy && <ReadingOutline headings={copy.headings} />
        )
      }
      overlay={
        <>
          <PassageHighlights placed={placed} active={focus.active} />
          {editor && canComment && (
            <CommentButton
              editor={editor}
              onComment={commenting.start}
              onSuggest={() => suggesting.start()}
              hidden={Boolean(commenting.composing || suggesting.composing)}
            />
          )}
        </>
      }
      suggesting={
        canComment ? { on: suggesting.mode, onToggle: editor ? suggesting.toggleMode : undefined } : undefined
      }
      signedIn={Boolean(user)}
      editable={editable}
      notice={
        refusedWith !== undefined && (
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
        )
      }
      busy={!takenOver}
      margin={
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
      }
    >
      {!takenOver && copy && <ReadingCopy ref={copyElement} content={copy} language={draft.language} />}
      {!takenOver && !copy && (
        <p className="document-loading" role="status">
          {t('draft.loading')}
        </p>
      )}
      {session && (
        <div hidden={!takenOver}>
          <DraftEditor
            session={session}
            user={caretUser}
            editable={editable}
            language={draft.language}
            onReady={setMounted}
            onPassageClick={focusThreads}
            onSuggestionClick={focusSuggestions}
          />
        </div>
      )}
    </DraftFrame>
  );
}
