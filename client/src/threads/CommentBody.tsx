import * as linkify from 'linkifyjs';
import { memo, type ReactNode } from 'react';

/** Plain-text comment with its links made clickable; never interpreted as HTML. */
export const CommentBody = memo(function CommentBody({ text }: { text: string }) {
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
});
