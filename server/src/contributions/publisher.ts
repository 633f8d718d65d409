import type { SuggestionView } from '../../../shared/suggestions.ts';
import type { ThreadView } from '../../../shared/threads.ts';

/**
 * Writes a contribution's current view into its draft's threads room (the side channel every
 * reader syncs) and returns it. Threads and suggestions publish through it; it is built once,
 * above both (`server/src/threadsRoom.ts`), so neither needs the other to show a discussion.
 */
export interface ThreadsRoomPublisher {
  thread(draftId: string, threadId: string): Promise<ThreadView>;
  suggestion(draftId: string, suggestionId: string): Promise<SuggestionView>;
  /** A comment's parent, whichever it is: replies on suggestions share the comments table. */
  discussion(draftId: string, parentId: string): Promise<ThreadView | SuggestionView>;
}
