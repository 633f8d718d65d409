import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { CONTENT_FIELD, type DraftView } from '../../../shared/drafts.ts';
import { CloseCode } from '../../../shared/protocol.ts';
import type { SuggestionAnchor, SuggestionView } from '../../../shared/suggestions.ts';
import { fetchDraft } from '../api/drafts.ts';
import { ApiError } from '../api/http.ts';
import { DraftRecordLinks } from '../records/DraftRecordLinks.tsx';
import { useSession } from '../session/SessionProvider.tsx';
import { SuggestionsPanel } from '../suggestions/SuggestionsPanel.tsx';
import { suggestionsKey } from '../suggestions/suggestionDecorations.ts';
import { placeSuggestions } from '../suggestions/suggestionLayout.ts';
import { anchorFromSelection, suggestionAnchorFromSelection } from '../threads/anchorFromSelection.ts';
import { CommentButton } from '../threads/CommentButton.tsx';
import { ThreadsPanel } from '../threads/ThreadsPanel.tsx';
import { type PlacedThread, placeThreads } from '../threads/threadLayout.ts';
import { useThreads } from '../threads/useThreads.ts';
import { WindowStatus } from '../ui/WindowStatus.tsx';
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
  | { kind: 'ready'; draft: DraftView };

/** One draft: outline on the left, the live text in the middle, the margin on the right. */
export function DraftPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [draft, setDraft] = useState<DraftState>({ kind: 'loading' });
  const identity = user === undefined ? undefined : (user?.id ?? 'visitor');

  // Fetched again when the person changes: what they may do comes with the draft.
  useEffect(() => {
    if (identity === undefined) return;
    let current = true;
    fetchDraft(draftId).then(
      (found) => current && setDraft({ kind: 'ready', draft: found }),
      (error: unknown) =>
        current &&
        setDraft({ kind: error instanceof ApiError && error.status === 404 ? 'missing' : 'failed' }),
    );
    return () => {
      current = false;
    };
  }, [draftId, identity]);

  useEffect(() => {
    if (draft.kind === 'ready') document.title = `${draft.draft.title} · ${t('app.name')}`;
  }, [draft, t]);

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
  // Placed against the editor's text as it is now: a new thread's mark may have arrived after the
  // last settled read, and it must not show as "found again" in the meantime.
  // (`doc` is a dependency although unread: it says when the text has settled.)
  const placed = useMemo(
    () => (doc && editor ? placeThreads(editor.state.doc, threads) : []),
    [doc, editor, threads],
  );
  const placedSuggestions = useMemo(
    () => (doc && editor ? placeSuggestions(editor.state, suggestions) : []),
    [doc, editor, suggestions],
  );
  const [composing, setComposing] = useState<Anchor>();
  const [suggesting, setSuggesting] = useState<{ anchor: SuggestionAnchor; typed?: string }>();
  const [suggestingMode, setSuggestingMode] = useState(false);
  const [active, setActive] = useState<string[]>([]);
  const [tab, setTab] = useState<MarginTab>(() =>
    window.location.hash.startsWith('#suggestion-') ? 'suggestions' : 'comments',
  );
  const canComment = draft.permissions.comment;
  const canResolve = draft.permissions.edit;
  const startComment = () => {
    if (!editor || !session || !canComment) return;
    const anchor = anchorFromSelection(editor, session.doc.getXmlFragment(CONTENT_FIELD));
    if (anchor) {
      setTab('comments');
      setComposing(anchor);
    }
  };
  /** Opens the suggestion composer on the selection (or the caret); `typed` starts its text. */
  const startSuggestion = (typed?: string) => {
    if (!editor || !session || !canComment) return false;
    if (!editor.state.doc.resolve(editor.state.selection.from).parent.isTextblock) return false;
    setTab('suggestions');
    setSuggesting({
      anchor: suggestionAnchorFromSelection(editor, session.doc.getXmlFragment(CONTENT_FIELD)),
      typed,
    });
    return true;
  };
  useSuggestingMode(editor, suggestingMode && canComment, startSuggestion);
  useShortcuts(editor, { comment: startComment, suggest: () => startSuggestion() });
  useInlineSuggestions(editor, suggestions, (ids) => focusCards(ids, 'suggestions'));
  // Clicking a passage shows its threads without taking the caret away from the text; a new
  // thread, made from the keyboard, takes the focus so a screen reader announces it.
  const focusCards = useCallback((ids: string[], kind: MarginTab, moveFocus = false) => {
    setActive(ids);
    setTab(kind);
    const first = ids[0];
    if (first) {
      requestAnimationFrame(() => {
        const card = document.getElementById(`${kind === 'comments' ? 'thread' : 'suggestion'}-${first}`);
        card?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
        if (moveFocus) card?.focus({ preventScroll: true });
      });
    }
  }, []);
  const focusThreads = useCallback(
    (ids: string[], moveFocus = false) => focusCards(ids, 'comments', moveFocus),
    [focusCards],
  );
  const focusSuggestions = useCallback(
    (ids: string[], moveFocus = false) => focusCards(ids, 'suggestions', moveFocus),
    [focusCards],
  );
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
        <ThreadHighlights placed={placed} active={active} />
        {editor && canComment && (
          <CommentButton
            editor={editor}
            onComment={startComment}
            onSuggest={() => startSuggestion()}
            hidden={Boolean(composing || suggesting)}
          />
        )}
        <div className="document-status">
          <WindowStatus draft={draft} />
          {canComment && (
            <button
              type="button"
              className={`mode-toggle${suggestingMode ? ' mode-on' : ''}`}
              aria-pressed={suggestingMode}
              onClick={() => setSuggestingMode((on) => !on)}
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
      <aside className="margin" aria-label={t('draft.marginLabel')}>
        <PresenceList participants={participants} />
        {editor && (
          <MarginTabs
            tab={tab}
            onTab={setTab}
            comments={placed.filter((p) => p.thread.status === 'open').length}
            suggestions={placedSuggestions.filter((p) => p.suggestion.status === 'open').length}
          />
        )}
        {editor && (
          <div
            id="margin-comments"
            role="tabpanel"
            aria-labelledby="tab-comments"
            hidden={tab !== 'comments'}
          >
            <ThreadsPanel
              editor={editor}
              draftId={draft.id}
              placed={placed}
              user={user ?? null}
              canComment={canComment}
              canResolve={canResolve}
              composing={composing}
              onComposed={(threadId) => {
                if (editor) leaveSelection(editor);
                setComposing(undefined);
                if (threadId) focusThreads([threadId], true);
              }}
              active={active}
              onActivate={focusThreads}
            />
          </div>
        )}
        {editor && (
          <div
            id="margin-suggestions"
            role="tabpanel"
            aria-labelledby="tab-suggestions"
            hidden={tab !== 'suggestions'}
          >
            <SuggestionsPanel
              editor={editor}
              draftId={draft.id}
              placed={placedSuggestions}
              user={user ?? null}
              canSuggest={canComment}
              canDecide={canResolve}
              composing={suggesting}
              onComposed={(suggestionId) => {
                if (editor) leaveSelection(editor);
                setSuggesting(undefined);
                if (suggestionId) focusSuggestions([suggestionId], true);
              }}
              active={active}
              onActivate={focusSuggestions}
            />
          </div>
        )}
      </aside>
    </div>
  );
}

type MarginTab = 'comments' | 'suggestions';

/** Comments or suggestions in the margin, each with its number of open items. */
function MarginTabs(props: {
  tab: MarginTab;
  onTab: (tab: MarginTab) => void;
  comments: number;
  suggestions: number;
}) {
  const { t } = useTranslation();
  const tabs: { id: MarginTab; label: string }[] = [
    { id: 'comments', label: t('threads.tab', { count: props.comments }) },
    { id: 'suggestions', label: t('suggestions.tab', { count: props.suggestions }) },
  ];
  return (
    <div className="margin-tabs" role="tablist" aria-label={t('draft.marginLabel')}>
      {tabs.map(({ id, label }) => (
        <button
          key={id}
          id={`tab-${id}`}
          type="button"
          role="tab"
          className="margin-tab"
          aria-selected={props.tab === id}
          aria-controls={`margin-${id}`}
          tabIndex={props.tab === id ? 0 : -1}
          onClick={() => props.onTab(id)}
          onKeyDown={(event) => {
            if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
            const next = id === 'comments' ? 'suggestions' : 'comments';
            props.onTab(next);
            document.getElementById(`tab-${next}`)?.focus();
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/**
 * Hands the open suggestions to the editor's inline decorations (struck-through words, proposed
 * words beside them), again whenever they or the reader's language change.
 */
function useInlineSuggestions(
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

/** Collapses the selection to its end, so the toolbar over it goes once its words are dealt with. */
function leaveSelection(editor: Editor): void {
  if (!editor.state.selection.empty) editor.commands.setTextSelection(editor.state.selection.to);
}

/**
 * Ctrl+Alt+M (comment) and Ctrl+Alt+S (suggest) wherever the selection is in the text. They are
 * listened for on the document: a stakeholder's text is read-only, so it never has the focus.
 */
function useShortcuts(editor: Editor | null, actions: { comment: () => void; suggest: () => void }) {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    if (!editor) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || !event.altKey) return;
      // `code`, not `key`: with Alt held, some layouts turn the letter into another character.
      if (event.code !== 'KeyM' && event.code !== 'KeyS') return;
      const anchor = window.getSelection()?.anchorNode;
      const target = event.target instanceof Node ? event.target : null;
      const inText = [anchor, target].some((node) => node && editor.view.dom.contains(node));
      if (!inText) return;
      event.preventDefault();
      if (event.code === 'KeyM') latest.current.comment();
      else latest.current.suggest();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [editor]);
}

/**
 * Suggesting mode, as word processors have it: typing over a selection (or at the caret), or
 * deleting a selection, proposes the change as a suggestion instead of making it. The first key
 * opens the composer with it; the rest is typed there.
 */
function useSuggestingMode(editor: Editor | null, on: boolean, start: (typed?: string) => boolean) {
  const begin = useRef(start);
  begin.current = start;
  useEffect(() => {
    if (!editor || !on) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      const selection = window.getSelection();
      const inText = selection?.anchorNode && editor.view.dom.contains(selection.anchorNode);
      if (!inText) return;
      const empty = editor.state.selection.empty;
      const typed = event.key.length === 1 ? event.key : undefined;
      const deleting = (event.key === 'Backspace' || event.key === 'Delete') && !empty;
      // Other keys that would change the text (a line break, deleting one character) do nothing.
      const changing = ['Enter', 'Backspace', 'Delete', 'Tab'].includes(event.key);
      if (typed === undefined && !deleting && !changing) return;
      event.preventDefault();
      event.stopPropagation();
      if (typed !== undefined || deleting) begin.current(typed ?? '');
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

/** Open threads per section heading, for the outline's counts. */
function openThreadsBySection(placed: PlacedThread[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of placed) {
    if (p.thread.status !== 'open' || !p.section) continue;
    counts.set(p.section, (counts.get(p.section) ?? 0) + 1);
  }
  return counts;
}

/** Highlights of resolved threads are hidden; the threads in focus are emphasised. */
function ThreadHighlights({ placed, active }: { placed: PlacedThread[]; active: string[] }) {
  const resolved = placed.filter((p) => p.thread.status === 'resolved' && !active.includes(p.thread.id));
  const css = [
    ...resolved.map(
      (p) => `.comment-anchor[data-thread-id="${p.thread.id}"]{background:none;border-bottom:0}`,
    ),
    ...active.map((id) => `.comment-anchor[data-thread-id="${id}"]{background:var(--highlight-active)}`),
    ...active.map(
      (id) =>
        `.suggestion-removal[data-suggestion-id="${id}"],.suggestion-insertion[data-suggestion-id="${id}"]{box-shadow:0 0 0 2px var(--highlight-line)}`,
    ),
  ].join('\n');
  return <style>{css}</style>;
}

function AccessNote({ signedIn }: { signedIn: boolean }) {
  const { t } = useTranslation();
  if (signedIn)
    return (
      <p className="access-note" data-testid="access-note">
        {t('access.readOnly')}
      </p>
    );
  return (
    <p className="access-note" data-testid="access-note">
      {t('access.visitor')}{' '}
      <Link href={`/signin?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signIn')}</Link>
      {' · '}
      <Link href={`/signup?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signUp')}</Link>
    </p>
  );
}

/** How long the text must rest before the margin and outline re-read it. */
const SETTLE_MS = 150;

/**
 * The editor's document as the margin and the outline see it (null before the editor exists):
 * re-read once the text has rested for SETTLE_MS. Re-placing thousands of threads on every
 * keystroke would make typing miss frames; the highlights themselves are marks in the text and
 * move with it at once.
 */
function useEditorDoc(editor: Editor | null): PMNode | null {
  const [doc, setDoc] = useState<PMNode | null>(null);
  useEffect(() => {
    if (!editor) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => setDoc(editor.state.doc);
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(read, SETTLE_MS);
    };
    read();
    editor.on('update', settle);
    return () => {
      clearTimeout(timer);
      editor.off('update', settle);
    };
  }, [editor]);
  return doc;
}
