/** A card to place in the margin, in document order. */
export interface StackedCard {
  id: string;
  /** Where its passage starts, in pixels from the top of the list; undefined when it has none. */
  passageTop: number | undefined;
  /** Its rendered height; undefined before it has been rendered. */
  height: number | undefined;
}

/** Where each card goes (pixels from the top of the list) and how tall the list becomes. */
export interface CardLayout {
  top: Map<string, number>;
  height: number;
}

/** Space kept between two cards. */
const GAP = 12;
/** The height assumed for a card not rendered yet. */
const UNMEASURED_HEIGHT = 120;

/**
 * Each card beside its passage, pushed down only as far as needed not to overlap the card above;
 * a card without a passage follows the one above it.
 */
export function stackCards(cards: StackedCard[]): CardLayout {
  const top = new Map<string, number>();
  let next = 0;
  for (const card of cards) {
    const at = Math.max(card.passageTop ?? next, next);
    top.set(card.id, at);
    next = at + (card.height ?? UNMEASURED_HEIGHT) + GAP;
  }
  return { top, height: next };
}

/** Whether two layouts put the same cards in the same places (within half a pixel). */
export function sameLayout(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, top] of a) if (Math.abs((b.get(id) ?? -1) - top) > 0.5) return false;
  return true;
}
