import type { Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { type Location, locateAll } from '../../../shared/anchoring/locate.ts';
import type { ThreadView } from '../../../shared/threads.ts';

export interface PlacedThread {
  thread: ThreadView;
  location: Location;
  /** Document position used for ordering (a detached thread's section heading, else the end). */
  order: number;
  /** Heading text of the section the passage is in now (or was in, if detached). */
  section: string | null;
}

/**
 * Where each thread's passage is in the local document, in document order; a detached thread
 * under its section's heading (last, if that heading is gone).
 */
export function placeThreads(doc: PMNode, threads: ThreadView[]): PlacedThread[] {
  const headings: { pos: number; text: string }[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') headings.push({ pos, text: node.textContent });
    return !node.isTextblock;
  });
  const sectionAt = (pos: number) => {
    let section: string | null = null;
    for (const heading of headings) {
      if (heading.pos > pos) break;
      section = heading.text;
    }
    return section;
  };
  const locations = locateAll(doc, threads);
  // A detached thread is listed under the heading of the section it was in, while that exists.
  const headingAt = new Map<string, number>();
  for (const heading of headings) if (!headingAt.has(heading.text)) headingAt.set(heading.text, heading.pos);
  return threads
    .map((thread): PlacedThread => {
      const location = locations.get(thread.id) ?? { state: 'detached' };
      const attached = location.state !== 'detached';
      const underHeading = thread.section === null ? undefined : headingAt.get(thread.section);
      return {
        thread,
        location,
        order: attached ? location.from : (underHeading ?? Number.MAX_SAFE_INTEGER),
        section: attached ? sectionAt(location.from) : thread.section,
      };
    })
    .sort((a, b) => a.order - b.order || a.thread.createdAt.localeCompare(b.thread.createdAt));
}

/** Thread ids whose passages contain `pos` (several when passages overlap). */
export function threadsAt(doc: PMNode, pos: number): string[] {
  const ids = new Set<string>();
  const $pos = doc.resolve(pos);
  for (const mark of [...$pos.marks(), ...($pos.nodeAfter?.marks ?? [])]) {
    if (mark.type.name === 'comment' && typeof mark.attrs.threadId === 'string') ids.add(mark.attrs.threadId);
  }
  return [...ids];
}

/** Scrolls the text to a thread's passage and puts the caret at its start. */
export function showPassage(editor: Editor, placed: PlacedThread): void {
  if (placed.location.state === 'detached') return;
  const { from, to } = placed.location;
  editor.commands.setTextSelection({ from, to });
  const dom = editor.view.domAtPos(from).node;
  const element = dom instanceof HTMLElement ? dom : dom.parentElement;
  element?.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

/** Open threads per section heading, for the outline's counts. */
export function openThreadsBySection(placed: PlacedThread[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of placed) {
    if (p.thread.status !== 'open' || !p.section) continue;
    counts.set(p.section, (counts.get(p.section) ?? 0) + 1);
  }
  return counts;
}
