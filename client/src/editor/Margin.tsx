import type { Editor } from '@tiptap/core';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import { SuggestionsPanel } from '../suggestions/SuggestionsPanel.tsx';
import type { Suggesting } from '../suggestions/useSuggesting.ts';
import { ThreadsPanel } from '../threads/ThreadsPanel.tsx';
import type { Commenting } from '../threads/useCommenting.ts';
import { PresenceList } from './PresenceList.tsx';
import type { MarginFocus, MarginTab } from './useMarginFocus.ts';
import type { Participant } from './usePresence.ts';

interface Props {
  editor: Editor | null;
  draftId: string;
  participants: Participant[];
  user: PublicUser | null;
  canComment: boolean;
  canResolve: boolean;
  focus: MarginFocus;
  commenting: Commenting;
  suggesting: Suggesting;
}

/** The column beside the text: who is here, then the threads or the suggestions, one tab at a time. */
export function Margin({
  editor,
  draftId,
  user,
  canComment,
  canResolve,
  focus,
  commenting,
  suggesting,
  ...props
}: Props) {
  const { t } = useTranslation();
  return (
    <aside className="margin" aria-label={t('draft.marginLabel')}>
      <PresenceList participants={props.participants} />
      {editor && (
        <MarginTabs
          tab={focus.tab}
          onTab={focus.setTab}
          comments={commenting.placed.filter((p) => p.thread.status === 'open').length}
          suggestions={suggesting.placed.filter((p) => p.suggestion.status === 'open').length}
        />
      )}
      {editor && (
        <div
          id="margin-comments"
          role="tabpanel"
          aria-labelledby="tab-comments"
          hidden={focus.tab !== 'comments'}
        >
          <ThreadsPanel
            editor={editor}
            draftId={draftId}
            placed={commenting.placed}
            user={user}
            canComment={canComment}
            canResolve={canResolve}
            composing={commenting.composing}
            onComposed={commenting.finish}
            active={focus.active}
            onActivate={focus.focusThreads}
          />
        </div>
      )}
      {editor && (
        <div
          id="margin-suggestions"
          role="tabpanel"
          aria-labelledby="tab-suggestions"
          hidden={focus.tab !== 'suggestions'}
        >
          <SuggestionsPanel
            editor={editor}
            draftId={draftId}
            placed={suggesting.placed}
            user={user}
            canSuggest={canComment}
            canDecide={canResolve}
            composing={suggesting.composing}
            onComposed={suggesting.finish}
            active={focus.active}
            onActivate={focus.focusSuggestions}
          />
        </div>
      )}
    </aside>
  );
}

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
