import { type RefObject, useLayoutEffect, useRef, useState } from 'react';

/** How many frames the words are held in place after the swap (about a quarter of a second). */
const PIN_FRAMES = 15;
/** What a reader does to move the text, which ends the holding. */
const READER_MOVES = ['wheel', 'touchstart', 'keydown', 'mousedown'] as const;

/** A block of the text, by its index among the text's blocks, and where its top was on screen. */
interface Place {
  index: number;
  top: number;
}

/**
 * Whether the live editor has taken the reading copy's place: once `ready` (synced, its text
 * drawn). The words at the top of the reader's screen stay where they were: the block there is
 * found in the copy just before the swap, and the same block of the editor (both are the same
 * document, block for block) is scrolled back to that height just after it, before the browser
 * paints either.
 */
export function useTakeOver(
  ready: boolean,
  copy: RefObject<HTMLElement | null>,
  editorRoot: () => HTMLElement | null,
): boolean {
  const [takenOver, setTakenOver] = useState(false);
  const place = useRef<Place | undefined>(undefined);

  useLayoutEffect(() => {
    if (!ready || takenOver) return;
    place.current = copy.current ? topBlock(copy.current) : undefined;
    setTakenOver(true);
  }, [ready, takenOver, copy]);

  useLayoutEffect(() => {
    const at = place.current;
    if (!takenOver || !at) return;
    place.current = undefined;
    const root = editorRoot();
    const block = root?.children[at.index];
    if (!root || !block) return;
    // The editor's blocks off screen would start at an estimated height (`content-visibility:
    // auto`) and take their real one a frame later, moving the words: the first frames lay them
    // all out (`data-settling`), and the words are held in place until then, unless the reader
    // moves first.
    root.setAttribute('data-settling', '');
    const pin = () => window.scrollBy(0, block.getBoundingClientRect().top - at.top);
    pin();
    let frames = 0;
    let next = requestAnimationFrame(function again() {
      pin();
      if (++frames < PIN_FRAMES) next = requestAnimationFrame(again);
      else stop();
    });
    const stop = () => {
      cancelAnimationFrame(next);
      root.removeAttribute('data-settling');
      for (const event of READER_MOVES) window.removeEventListener(event, stop);
    };
    for (const event of READER_MOVES) window.addEventListener(event, stop, { passive: true });
    return stop;
  }, [takenOver, editorRoot]);

  return takenOver;
}

/** The first block whose bottom is below the top of the screen (none while at the very top). */
function topBlock(root: HTMLElement): Place | undefined {
  if (window.scrollY === 0) return undefined;
  const blocks = root.children;
  for (let index = 0; index < blocks.length; index++) {
    const box = blocks[index]?.getBoundingClientRect();
    if (box && box.bottom > 0) return { index, top: box.top };
  }
  return undefined;
}
