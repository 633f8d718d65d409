import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { ApiError } from '../api/http.ts';
import { Author } from '../threads/Comment.tsx';
import { CommentBody } from '../threads/CommentBody.tsx';
import { CommentList, ReplyForm } from '../threads/Discussion.tsx';
import { dateTimeFormat } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import {
  acceptSuggestion,
  rejectSuggestion,
  replyToSuggestion,
  revertSuggestion,
  withdrawSuggestion,
} from './api.ts';
import type { PlacedSuggestion } from './suggestionLayout.ts';
import { WordDiff } from './WordDiff.tsx';

interface Props {
  draftId: string;
  placed: PlacedSuggestion;
  user: PublicUser | null;
  canComment: boolean;
  canDecide: boolean;
  active: boolean;
  onShowPassage: () => void;
}

type Deciding = 'accept' | 'reject' | 'revert' | undefined;

/**
 * One suggestion: who proposed it and why, the change word by word, what became of it, the
 * discussion, and the decisions the reader may take (accept, reject, revert; withdraw for its author).
 */
export function SuggestionCard({
  draftId,
  placed,
  user,
  canComment,
  canDecide,
  active,
  onShowPassage,
}: Props) {
  const { t, i18n } = useTranslation();
  const { suggestion, location } = placed;
  const time = dateTimeFormat(i18n.resolvedLanguage);
  const [error, setError] = useState<unknown>();
  const [deciding, setDeciding] = useState<Deciding>();
  const [withdrawing, setWithdrawing] = useState(false);
  const open = suggestion.status === 'open';
  const outdated = open && Boolean(location?.outdated);
  const detached = open && location?.state === 'detached';
  const current = location && location.state !== 'detached' ? location.text : null;
  const own = Boolean(user && suggestion.author.id === user.id);
  const kind = suggestion.quote.exact === '' ? 'insert' : suggestion.text === '' ? 'delete' : 'replace';
  const headingId = `suggestion-${suggestion.id}-heading`;

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

  return (
    <article
      id={`suggestion-${suggestion.id}`}
      className={`thread-card suggestion-card${active ? ' thread-active' : ''}${open ? '' : ' thread-resolved'}`}
      aria-labelledby={headingId}
      tabIndex={-1}
      data-testid="suggestion-card"
      data-suggestion-id={suggestion.id}
    >
      <header className="thread-header">
        <h3 id={headingId} className="suggestion-title">
          <button type="button" className="quote-button" onClick={onShowPassage} disabled={!open || detached}>
            {t(`suggestions.kind.${kind}`)}
          </button>
        </h3>
        <p className="thread-meta">
          <span className={`status-tag status-${outdated ? 'outdated' : suggestion.status}`}>
            {outdated ? t('suggestions.status.outdated') : t(`suggestions.status.${suggestion.status}`)}
          </span>
          {suggestion.madeOn && (
            <span className="made-on">{t('threads.madeOn', { name: suggestion.madeOn.name })}</span>
          )}
          <a className="thread-link" href={`#suggestion-${suggestion.id}`}>
            {t('threads.link')}
          </a>
        </p>
      </header>
      <p className="comment-author">
        <Author person={suggestion.author} />
        <span className="comment-time">{time.format(new Date(suggestion.createdAt))}</span>
      </p>
      {/* What accepting does (or did): from the words there now, or the words it replaced. */}
      <WordDiff
        before={(outdated && current !== null ? current : suggestion.replacedText) ?? suggestion.quote.exact}
        after={suggestion.text}
      />
      {(outdated || detached) && (
        <div className="outdated-note" role="note">
          <p className="thread-note">
            {detached ? t('suggestions.goneNote') : t('suggestions.outdatedNote')}
          </p>
          <dl className="outdated-compare">
            <dt>{t('suggestions.original')}</dt>
            <dd>“{suggestion.quote.exact}”</dd>
            <dt>{t('suggestions.current')}</dt>
            <dd>{current === null ? t('suggestions.nothing') : `“${current}”`}</dd>
            <dt>{t('suggestions.proposed')}</dt>
            <dd>{suggestion.text ? `“${suggestion.text}”` : t('suggestions.nothing')}</dd>
          </dl>
        </div>
      )}
      {suggestion.justification && (
        <div className="justification">
          <span className="field-label">{t('suggestions.why')}</span>
          <CommentBody text={suggestion.justification} />
        </div>
      )}
      {suggestion.decision && (
        <p className="resolution" data-testid="decision">
          {t(
            `suggestions.decided.${suggestion.status === 'reverted' ? 'accepted' : suggestion.status}` as 'suggestions.decided.accepted',
            {
              name: suggestion.decision.by.name,
              date: time.format(new Date(suggestion.decision.at)),
            },
          )}
          {suggestion.decision.rationale && (
            <span className="resolution-note"> — {suggestion.decision.rationale}</span>
          )}
        </p>
      )}
      {suggestion.reversion && (
        <p className="resolution">
          {t('suggestions.decided.reverted', {
            name: suggestion.reversion.by.name,
            date: time.format(new Date(suggestion.reversion.at)),
          })}
          {suggestion.reversion.rationale && (
            <span className="resolution-note"> — {suggestion.reversion.rationale}</span>
          )}
        </p>
      )}
      {suggestion.comments.length > 0 && (
        <CommentList
          draftId={draftId}
          comments={suggestion.comments}
          user={user}
          canChange={canComment}
          format={time}
          run={run}
        />
      )}
      <ErrorNotice error={error} />
      {canComment && open && (
        <ReplyForm
          id={suggestion.id}
          rows={1}
          onReply={(body) => run(() => replyToSuggestion(draftId, suggestion.id, body))}
        />
      )}
      {deciding ? (
        <DecisionForm
          id={suggestion.id}
          kind={deciding}
          needsConfirm={deciding === 'accept' && outdated}
          onCancel={() => setDeciding(undefined)}
          onSubmit={async (rationale, confirmed) => {
            setError(undefined);
            try {
              if (deciding === 'accept') {
                await acceptSuggestion(draftId, suggestion.id, {
                  ...(rationale ? { rationale } : {}),
                  ...(confirmed ? { confirmOutdated: true } : {}),
                });
              } else if (deciding === 'reject') {
                await rejectSuggestion(draftId, suggestion.id, rationale);
              } else {
                await revertSuggestion(draftId, suggestion.id, {
                  ...(rationale ? { rationale } : {}),
                  ...(confirmed ? { confirmChanged: true } : {}),
                });
              }
              setDeciding(undefined);
              return 'done';
            } catch (failure) {
              setError(failure);
              return isOutdatedRefusal(failure) ? 'confirm' : 'failed';
            }
          }}
        />
      ) : (
        <div className="button-row decision-buttons">
          {canDecide && open && !detached && (
            <button type="button" className="button button-small" onClick={() => setDeciding('accept')}>
              {t('suggestions.accept')}
            </button>
          )}
          {canDecide && open && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setDeciding('reject')}
            >
              {t('suggestions.reject')}
            </button>
          )}
          {canDecide && suggestion.status === 'accepted' && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setDeciding('revert')}
            >
              {t('suggestions.revert')}
            </button>
          )}
          {/* Withdrawing cannot be undone: it asks once more. */}
          {own && open && canComment && !withdrawing && (
            <button type="button" className="nav-button nav-link" onClick={() => setWithdrawing(true)}>
              {t('suggestions.withdraw')}
            </button>
          )}
          {own && open && canComment && withdrawing && (
            <>
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void run(() => withdrawSuggestion(draftId, suggestion.id))}
              >
                {t('suggestions.confirmWithdraw')}
              </button>
              <button type="button" className="nav-button nav-link" onClick={() => setWithdrawing(false)}>
                {t('threads.cancel')}
              </button>
            </>
          )}
        </div>
      )}
    </article>
  );
}

interface DecisionProps {
  id: string;
  kind: 'accept' | 'reject' | 'revert';
  needsConfirm: boolean;
  onCancel: () => void;
  /** 'confirm' when the server refused because the words changed: the form then asks to confirm. */
  onSubmit: (rationale: string, confirmed: boolean) => Promise<'done' | 'confirm' | 'failed'>;
}

/**
 * The rationale of a decision (required to reject), and the explicit confirmation that accepting
 * an outdated suggestion (or reverting edited words) replaces what the draft says now.
 */
function DecisionForm({ id, kind, needsConfirm, onCancel, onSubmit }: DecisionProps) {
  const { t } = useTranslation();
  const [rationale, setRationale] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  // The server may be the first to know that the words changed (someone edited them meanwhile).
  const [askConfirm, setAskConfirm] = useState(needsConfirm);
  const [busy, setBusy] = useState(false);
  const required = kind === 'reject';
  return (
    <form
      className="reply-form decision-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const outcome = await onSubmit(rationale.trim(), confirmed);
        setBusy(false);
        if (outcome === 'confirm') setAskConfirm(true);
      }}
    >
      <label className="field-label" htmlFor={`rationale-${id}`}>
        {required ? t('suggestions.rationaleRequired') : t('suggestions.rationaleOptional')}
      </label>
      <textarea
        id={`rationale-${id}`}
        className="text-area"
        rows={2}
        required={required}
        value={rationale}
        onChange={(e) => setRationale(e.target.value)}
      />
      {askConfirm && (
        <label className="check confirm-check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />{' '}
          {kind === 'revert' ? t('suggestions.confirmChanged') : t('suggestions.confirmOutdated')}
        </label>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button button-small"
          disabled={busy || (required && !rationale.trim()) || (askConfirm && !confirmed)}
        >
          {t(`suggestions.${kind}`)}
        </button>
        <button type="button" className="nav-button nav-link" onClick={onCancel}>
          {t('threads.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Whether a decision was refused because the words changed (confirming would go ahead). */
function isOutdatedRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.code === ErrorCode.SuggestionOutdated;
}
