import type { PlacedThread } from '../threads/threadLayout.ts';

/**
 * The style rules over the text's highlights: a resolved thread's passage is no longer
 * highlighted (unless it is in focus); the passages of the threads and suggestions in focus are
 * emphasised.
 */
export function highlightCss(placed: PlacedThread[], active: string[]): string {
  const resolved = placed.filter((p) => p.thread.status === 'resolved' && !active.includes(p.thread.id));
  return [
    ...resolved.map(
      (p) => `.comment-anchor[data-thread-id="${p.thread.id}"]{background:none;border-bottom:0}`,
    ),
    ...active.map((id) => `.comment-anchor[data-thread-id="${id}"]{background:var(--highlight-active)}`),
    ...active.map(
      (id) =>
        `.suggestion-removal[data-suggestion-id="${id}"],.suggestion-insertion[data-suggestion-id="${id}"]{box-shadow:0 0 0 2px var(--highlight-line)}`,
    ),
  ].join('\n');
}

/** Highlights of resolved threads are hidden; the threads in focus are emphasised. */
export function PassageHighlights({ placed, active }: { placed: PlacedThread[]; active: string[] }) {
  return <style>{highlightCss(placed, active)}</style>;
}
