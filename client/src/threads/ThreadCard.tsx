import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import { dateTimeFormat } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { reopenThread, replyTo, resolveThread } from './api.ts';
import { CommentList, ReplyForm } from './Discussion.tsx';
import type { PlacedThread } from './threadLayout.ts';

interface Props {
  draftId: string;
  placed: PlacedThread;
  user: PublicUser | null;
  canComment: boolean;
  canResolve: boolean;
  active: boolean;
  onShowPassage: () => void;
}

/**
 * A card re-renders only when what it shows changed: typing elsewhere in the draft must not
 * re-render every card beside the text.
 */
export const ThreadCard = memo(ThreadCardView, (before, after) => {
  const a = before.placed;
  const b = after.placed;
  return (
    a.thread === b.thread &&
    a.location.state === b.location.state &&
    (a.location.state === 'detached' ||
      b.location.state === 'detached' ||
      a.location.text === b.location.text) &&
    before.active === after.active &&
    before.user === after.user &&
    before.canComment === after.canComment &&
    before.canResolve === after.canResolve &&
    before.draftId === after.draftId
  );
});

/** One thread: its passage's quote, the comments, a reply box, and resolve / reopen. */
function ThreadCardView({ draftId, placed, user, canComment, canResolve, active, onShowPassage }: Props) {
  const { t, i18n } = useTranslation();
  const { thread, location } = placed;
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const [resolving, setResolving] = useState(false);
  const time = dateTimeFormat(i18n.resolvedLanguage);
  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    }
  };

  const headingId = `thread-${thread.id}-heading`;
  const resolved = thread.status === 'resolved';

  return (
    <article
      id={`thread-${thread.id}`}
      className={`thread-card${active ? ' thread-active' : ''}${resolved ? ' thread-resolved' : ''}`}
      aria-labelledby={headingId}
      tabIndex={-1}
      data-testid="thread-card"
      data-thread-id={thread.id}
    >
      <header className="thread-header">
        <h3 id={headingId} className="thread-quote">
          <button
            type="button"
            className="quote-button"
            onClick={onShowPassage}
            disabled={location.state === 'detached'}
          >
            “{location.state === 'detached' ? thread.quote.exact : location.text}”
          </button>
        </h3>
        <p className="thread-meta">
          {resolved && <span className="status-tag status-resolved">{t('threads.resolved')}</span>}
          {location.state === 'detached' && (
            <span className="status-tag status-detached">{t('threads.detached')}</span>
          )}
          {location.state === 'recovered' && <span className="status-tag">{t('threads.recovered')}</span>}
          {thread.madeOn && (
            <span className="made-on">{t('threads.madeOn', { name: thread.madeOn.name })}</span>
          )}
          <a className="thread-link" href={`#thread-${thread.id}`}>
            {t('threads.link')}
          </a>
        </p>
        {location.state === 'detached' && <p className="thread-note">{t('threads.detachedNote')}</p>}
      </header>
      <CommentList
        draftId={draftId}
        comments={thread.comments}
        user={user}
        canChange={canComment}
        format={time}
        run={run}
      />
      {thread.resolution && (
        <p className="resolution">
          {t('threads.resolvedBy', {
            name: thread.resolution.by.name,
            date: time.format(new Date(thread.resolution.at)),
          })}
          {thread.resolution.note && <span className="resolution-note"> — {thread.resolution.note}</span>}
        </p>
      )}
      <ErrorNotice error={error} />
      {canComment && !resolved && (
        <ReplyForm id={thread.id} onReply={(body) => run(() => replyTo(draftId, thread.id, body))} />
      )}
      {canResolve && !resolved && !resolving && (
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => setResolving(true)}
        >
          {t('threads.resolve')}
        </button>
      )}
      {canResolve && resolving && (
        <form
          className="reply-form"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await run(() => resolveThread(draftId, thread.id, note))) setResolving(false);
          }}
        >
          <label className="field-label" htmlFor={`note-${thread.id}`}>
            {t('threads.resolutionNote')}
          </label>
          <textarea
            id={`note-${thread.id}`}
            className="text-area"
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button button-small">
              {t('threads.resolve')}
            </button>
            <button type="button" className="nav-button nav-link" onClick={() => setResolving(false)}>
              {t('threads.cancel')}
            </button>
          </div>
        </form>
      )}
      {canResolve && resolved && (
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => void run(() => reopenThread(draftId, thread.id))}
        >
          {t('threads.reopen')}
        </button>
      )}
    </article>
  );
}
