import type { PublicUser } from '../../../shared/auth.ts';
import type { PlacedThread } from './threadLayout.ts';

export type StatusFilter = 'open' | 'resolved' | 'all';

/** What the margin's filters ask for: a status, only threads I took part in, one section. */
export interface ThreadFilter {
  status: StatusFilter;
  mine: boolean;
  /** A section heading's text; empty for every section. */
  section: string;
}

/** The threads the filters let through, in the order given. */
export function filterThreads(
  placed: PlacedThread[],
  filter: ThreadFilter,
  user: PublicUser | null,
): PlacedThread[] {
  const { status, mine, section } = filter;
  return placed.filter(
    (p) =>
      (status === 'all' || p.thread.status === status) &&
      (!mine || (user && p.thread.comments.some((c) => c.author.id === user.id))) &&
      (!section || p.section === section),
  );
}

/** Beyond this many threads, only those beside the visible part of the text are rendered. */
export const MAX_RENDERED = 60;

/**
 * The threads to render: all of them up to MAX_RENDERED; beyond that the threads in focus and
 * those whose passages are in `range` (the document positions on screen; undefined before it is
 * measured), at most MAX_RENDERED.
 */
export function visibleThreads(
  matching: PlacedThread[],
  active: string[],
  range: { from: number; to: number } | undefined,
): PlacedThread[] {
  if (matching.length <= MAX_RENDERED) return matching;
  return matching
    .filter((p) => active.includes(p.thread.id) || (range && p.order >= range.from && p.order <= range.to))
    .slice(0, MAX_RENDERED);
}
