import { useCallback, useState } from 'react';

export type MarginTab = 'comments' | 'suggestions';

/** The margin's tab and the cards in focus, and how to bring cards forward. */
export interface MarginFocus {
  tab: MarginTab;
  setTab: (tab: MarginTab) => void;
  /** Ids of the threads or suggestions in focus (their passages are emphasised). */
  active: string[];
  focusThreads: (ids: string[], moveFocus?: boolean) => void;
  focusSuggestions: (ids: string[], moveFocus?: boolean) => void;
}

/** The id of a card's element in the margin (also the address fragment that opens it). */
function cardElementId(kind: MarginTab, id: string): string {
  return `${kind === 'comments' ? 'thread' : 'suggestion'}-${id}`;
}

/** Which tab the margin opens on: suggestions when the address names one, else comments. */
function initialTab(hash: string): MarginTab {
  return hash.startsWith('#suggestion-') ? 'suggestions' : 'comments';
}

/**
 * Clicking a passage shows its threads without taking the caret away from the text; a new
 * thread, made from the keyboard, takes the focus so a screen reader announces it.
 */
export function useMarginFocus(): MarginFocus {
  const [active, setActive] = useState<string[]>([]);
  const [tab, setTab] = useState<MarginTab>(() => initialTab(window.location.hash));
  const focusCards = useCallback((ids: string[], kind: MarginTab, moveFocus = false) => {
    setActive(ids);
    setTab(kind);
    const first = ids[0];
    if (first) {
      requestAnimationFrame(() => {
        const card = document.getElementById(cardElementId(kind, first));
        card?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
        if (moveFocus) card?.focus({ preventScroll: true });
      });
    }
  }, []);
  const focusThreads = useCallback(
    (ids: string[], moveFocus = false) => focusCards(ids, 'comments', moveFocus),
    [focusCards],
  );
  const focusSuggestions = useCallback(
    (ids: string[], moveFocus = false) => focusCards(ids, 'suggestions', moveFocus),
    [focusCards],
  );
  return { tab, setTab, active, focusThreads, focusSuggestions };
}
