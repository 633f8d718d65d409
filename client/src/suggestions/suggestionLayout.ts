import type { Editor } from '@tiptap/core';
import type { EditorState } from '@tiptap/pm/state';
import type { PublicUser } from '../../../shared/auth.ts';
import {
  locateSuggestions,
  type SuggestionLocation,
  type SuggestionView,
} from '../../../shared/suggestions.ts';
import { pointResolver } from './suggestionDecorations.ts';

export interface PlacedSuggestion {
  suggestion: SuggestionView;
  /** Where its passage is now (open suggestions only). */
  location: SuggestionLocation | undefined;
  order: number;
}

/** Open suggestions whose passages overlap: shown side by side on one card. */
export type SuggestionGroup = PlacedSuggestion[];

/** Suggestions in document order (decided ones by date, after the open ones). */
export function placeSuggestions(
  state: EditorState | undefined,
  suggestions: SuggestionView[],
): PlacedSuggestion[] {
  const open = suggestions.filter((s) => s.status === 'open');
  const located =
    state && open.length > 0 ? locateSuggestions(state.doc, open, pointResolver(state)) : undefined;
  return suggestions
    .map((suggestion): PlacedSuggestion => {
      const location = suggestion.status === 'open' ? located?.get(suggestion.id) : undefined;
      const attached = location && location.state !== 'detached';
      return { suggestion, location, order: attached ? location.from : Number.MAX_SAFE_INTEGER };
    })
    .sort((a, b) => a.order - b.order || a.suggestion.createdAt.localeCompare(b.suggestion.createdAt));
}

export type DecisionFilter = 'open' | 'decided' | 'all';

/** The suggestions the filters let through: open, decided or all; with `mine`, only `user`'s. */
export function filterSuggestions(
  placed: PlacedSuggestion[],
  filter: { decision: DecisionFilter; mine: boolean },
  user: PublicUser | null,
): PlacedSuggestion[] {
  const { decision, mine } = filter;
  return placed.filter(
    (p) =>
      (decision === 'all' || (decision === 'open') === (p.suggestion.status === 'open')) &&
      (!mine || (user && p.suggestion.author.id === user.id)),
  );
}

/** Groups open suggestions whose passages overlap (or share an insertion point); the rest stand alone. */
export function groupCompeting(placed: PlacedSuggestion[]): SuggestionGroup[] {
  const groups: SuggestionGroup[] = [];
  let current: SuggestionGroup = [];
  let currentEnd = -1;
  for (const item of placed) {
    const where = item.location;
    const span = where && where.state !== 'detached' ? where : undefined;
    if (!span) {
      if (current.length) groups.push(current);
      current = [];
      currentEnd = -1;
      groups.push([item]);
      continue;
    }
    const first = current[0]?.location;
    const overlaps =
      current.length > 0 &&
      (span.from < currentEnd ||
        (span.from === currentEnd &&
          first !== undefined &&
          first.state !== 'detached' &&
          span.from === first.from));
    if (overlaps) {
      current.push(item);
      currentEnd = Math.max(currentEnd, span.to);
    } else {
      if (current.length) groups.push(current);
      current = [item];
      currentEnd = span.to;
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Scrolls the text to a suggestion's passage and selects it. */
export function showSuggestion(editor: Editor, placed: PlacedSuggestion): void {
  const where = placed.location;
  if (!where || where.state === 'detached') return;
  editor.commands.setTextSelection({ from: where.from, to: where.to });
  const dom = editor.view.domAtPos(where.from).node;
  const element = dom instanceof HTMLElement ? dom : dom.parentElement;
  element?.scrollIntoView({ behavior: 'smooth', block: 'center' });
}
