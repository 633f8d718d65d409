import * as linkify from 'linkifyjs';
import { memo, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Beyond this many characters a comment shows its beginning, with "Show more". */
const LONG = 700;

/**
 * Plain-text comment with its links made clickable; never interpreted as HTML. A long one is
 * folded, so that one comment does not push every other card far down.
 */
export const CommentBody = memo(function CommentBody({ text }: { text: string }) {
  const { t } = useTranslation();
  const [unfolded, setUnfolded] = useState(false);
  const folded = text.length > LONG && !unfolded;
  const shown = folded ? `${text.slice(0, LONG).trimEnd()}…` : text;
  return (
    <>
      <Linked text={shown} />
      {text.length > LONG && (
        <button type="button" className="nav-button nav-link" onClick={() => setUnfolded((u) => !u)}>
          {folded ? t('threads.showMore') : t('threads.showLess')}
        </button>
      )}
    </>
  );
});

function Linked({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const link of linkify.find(text, 'url')) {
    if (link.start > at) parts.push(text.slice(at, link.start));
    parts.push(
      <a key={link.start} href={link.href} target="_blank" rel="noopener noreferrer nofollow">
        {link.value}
      </a>,
    );
    at = link.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <p className="comment-body">{parts}</p>;
}
