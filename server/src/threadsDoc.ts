import * as Y from 'yjs';
import { SUGGESTIONS_MAP, type SuggestionView } from '../../shared/suggestions.ts';
import { THREADS_MAP, type ThreadView } from '../../shared/threads.ts';
import type { Stores } from './storage/stores.ts';
import { suggestionViews } from './suggestions/suggestionViews.ts';
import { threadViews } from './threads/threadViews.ts';

/**
 * The threads document of a draft, built from its stored threads and suggestions (see
 * RoomRegistry): built here, above both, so neither imports the other.
 */
export async function threadsDocState(
  storage: Pick<Stores, 'threads' | 'suggestions' | 'accounts' | 'versions'>,
  draftId: string,
): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const map = doc.getMap<ThreadView>(THREADS_MAP);
  for (const view of await threadViews(storage, draftId)) map.set(view.id, view);
  const suggestions = doc.getMap<SuggestionView>(SUGGESTIONS_MAP);
  for (const view of await suggestionViews(storage, draftId)) suggestions.set(view.id, view);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
