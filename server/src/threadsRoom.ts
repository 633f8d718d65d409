import * as Y from 'yjs';
import { ErrorCode } from '../../shared/errors.ts';
import { SUGGESTIONS_MAP, type SuggestionView } from '../../shared/suggestions.ts';
import { THREADS_MAP, type ThreadView } from '../../shared/threads.ts';
import type { LiveDrafts } from './collab/liveDrafts.ts';
import { ServerChanges } from './collab/origins.ts';
import type { ThreadsRoomPublisher } from './contributions/publisher.ts';
import { person, versionNames } from './contributions/views.ts';
import { ServiceError } from './serviceError.ts';
import type { Stores } from './storage/stores.ts';
import { suggestionViews, toSuggestionView } from './suggestions/suggestionViews.ts';
import { threadViews, toView } from './threads/threadViews.ts';

// A draft's threads room: the second, server-written Yjs document (`/collab/<draft>--threads`)
// holding every thread and suggestion view, which each reader's stock client syncs read-only. It
// is built and written here, above threads/ and suggestions/, so neither imports the other.

type ViewStores = Pick<Stores, 'threads' | 'suggestions' | 'accounts' | 'versions'>;

/** The threads room's state, built from the stored threads and suggestions (see RoomRegistry). */
export async function threadsDocState(storage: ViewStores, draftId: string): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const map = doc.getMap<ThreadView>(THREADS_MAP);
  for (const view of await threadViews(storage, draftId)) map.set(view.id, view);
  const suggestions = doc.getMap<SuggestionView>(SUGGESTIONS_MAP);
  for (const view of await suggestionViews(storage, draftId)) suggestions.set(view.id, view);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

export interface ThreadsRoomDeps {
  /** What the views are built from. */
  storage: ViewStores;
  /** The drafts' live documents, whose threads rooms the views are published to. */
  live: LiveDrafts;
}

/** The one writer of contributions' views into their draft's threads room. */
export class ThreadsRoom implements ThreadsRoomPublisher {
  constructor(private readonly deps: ThreadsRoomDeps) {}

  /** Another instance changed a view: rebuilt here from the store, and not announced again. */
  async refresh(change: { draftId: string; what: 'thread' | 'suggestion'; id: string }): Promise<void> {
    if (change.what === 'thread') await this.thread(change.draftId, change.id, false);
    else await this.suggestion(change.draftId, change.id, false);
  }

  async thread(draftId: string, threadId: string, announce = true): Promise<ThreadView> {
    const { storage } = this.deps;
    const thread = await storage.threads.getThread(threadId);
    if (!thread) throw new ServiceError(ErrorCode.NotFound, 'There is no such thread.');
    const comments = (await storage.threads.listComments(draftId)).filter((c) => c.threadId === threadId);
    const view = toView(thread, comments, await this.people(), await versionNames(storage, draftId));
    this.deps.live.publish(draftId, ServerChanges.threadAnchoring, (doc) =>
      doc.getMap<ThreadView>(THREADS_MAP).set(threadId, view),
    );
    if (announce) this.deps.live.announceView({ draftId, what: 'thread', id: threadId });
    return view;
  }

  async suggestion(draftId: string, suggestionId: string, announce = true): Promise<SuggestionView> {
    const { storage } = this.deps;
    const suggestion = await storage.suggestions.getSuggestion(suggestionId);
    if (!suggestion) throw new ServiceError(ErrorCode.NotFound, 'There is no such suggestion.');
    const replies = (await storage.threads.listComments(draftId)).filter((c) => c.threadId === suggestionId);
    const view = toSuggestionView(
      suggestion,
      replies,
      await this.people(),
      await versionNames(storage, draftId),
    );
    this.deps.live.publish(draftId, ServerChanges.suggestionAnchoring, (doc) =>
      doc.getMap<SuggestionView>(SUGGESTIONS_MAP).set(suggestionId, view),
    );
    if (announce) this.deps.live.announceView({ draftId, what: 'suggestion', id: suggestionId });
    return view;
  }

  async discussion(draftId: string, parentId: string): Promise<ThreadView | SuggestionView> {
    return (await this.deps.storage.threads.getThread(parentId))
      ? this.thread(draftId, parentId)
      : this.suggestion(draftId, parentId);
  }

  private async people() {
    const users = new Map((await this.deps.storage.accounts.listUsers()).map((u) => [u.id, u]));
    return (id: string) => person(users.get(id));
  }
}
