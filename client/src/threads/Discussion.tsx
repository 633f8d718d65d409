import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import type { CommentView } from '../../../shared/threads.ts';
import { deleteComment, editComment } from './api.ts';
import { Comment } from './Comment.tsx';

/** The comments of a thread or a suggestion's discussion, each editable by its author. */
export function CommentList(props: {
  draftId: string;
  comments: CommentView[];
  user: PublicUser | null;
  canChange: boolean;
  format: Intl.DateTimeFormat;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
}) {
  const { draftId, user, run } = props;
  return (
    <ol className="comment-list">
      {props.comments.map((comment) => (
        <Comment
          key={comment.id}
          comment={comment}
          own={Boolean(user && comment.author.id === user.id)}
          canChange={props.canChange}
          when={props.format.format(new Date(comment.createdAt))}
          onEdit={(body) => run(() => editComment(draftId, comment.id, body))}
          onDelete={() => run(() => deleteComment(draftId, comment.id))}
        />
      ))}
    </ol>
  );
}

/** A reply box whose button appears once something is written; cleared once the reply is posted. */
export function ReplyForm({
  id,
  rows = 2,
  onReply,
}: {
  id: string;
  rows?: number;
  onReply: (body: string) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [reply, setReply] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onReply(reply)) setReply('');
  };
  return (
    <form className="reply-form" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={`reply-${id}`}>
        {t('threads.reply')}
      </label>
      <textarea
        id={`reply-${id}`}
        className="text-area"
        rows={rows}
        placeholder={t('threads.replyPlaceholder')}
        value={reply}
        onChange={(e) => setReply(e.target.value)}
      />
      {reply.trim() && (
        <button type="submit" className="button button-small">
          {t('threads.reply')}
        </button>
      )}
    </form>
  );
}
