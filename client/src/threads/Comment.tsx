import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommentView, PersonView } from '../../../shared/threads.ts';
import { CommentBody } from './CommentBody.tsx';

export interface CommentProps {
  comment: CommentView;
  own: boolean;
  canChange: boolean;
  when: string;
  onEdit: (body: string) => Promise<boolean>;
  onDelete: () => Promise<boolean>;
}

export function Comment({ comment, own, canChange, when, onEdit, onDelete }: CommentProps) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(comment.body);
  if (comment.deleted) {
    return <li className="comment comment-removed">{t('threads.removed')}</li>;
  }
  return (
    <li className="comment" lang={comment.language}>
      <p className="comment-author">
        <Author person={comment.author} />
        <span className="comment-time">
          {when}
          {comment.editedAt && ` · ${t('threads.edited')}`}
        </span>
      </p>
      {editing ? (
        <form
          className="reply-form"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await onEdit(text)) setEditing(false);
          }}
        >
          <textarea
            className="text-area"
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label={t('threads.edit')}
          />
          <div className="button-row">
            <button type="submit" className="button button-small">
              {t('threads.save')}
            </button>
            <button type="button" className="nav-button nav-link" onClick={() => setEditing(false)}>
              {t('threads.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <CommentBody text={comment.body} />
      )}
      {own && canChange && !editing && (
        <div className="button-row">
          <button type="button" className="nav-button nav-link" onClick={() => setEditing(true)}>
            {t('threads.edit')}
          </button>
          <button type="button" className="nav-button nav-link" onClick={() => void onDelete()}>
            {t('threads.delete')}
          </button>
        </div>
      )}
    </li>
  );
}

export function Author({ person }: { person: PersonView }) {
  const { t } = useTranslation();
  return (
    <span className="comment-name">
      <strong>{person.name || t('threads.formerMember')}</strong>
      {person.organisation && <span className="comment-org"> · {person.organisation}</span>}
      {(person.role === 'taskforce' || person.role === 'admin') && (
        <span className={`role-tag role-${person.role}`}>{t(`roles.${person.role}`)}</span>
      )}
    </span>
  );
}
