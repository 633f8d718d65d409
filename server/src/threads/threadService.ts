import type { Logger } from 'pino';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { locateAll } from '../../../shared/anchoring/locate.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import type { Action } from '../../../shared/permissions.ts';
import type { Actor } from '../../../shared/roles.ts';
import type { LocatedThreadView, ThreadView } from '../../../shared/threads.ts';
import { newId } from '../accounts/tokens.ts';
import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { LiveDrafts } from '../collab/liveDrafts.ts';
import { ServerChanges } from '../collab/origins.ts';
import { languageOf, type PostingLimiter, requireAllowed } from '../contributions/participation.ts';
import type { ThreadsRoomPublisher } from '../contributions/publisher.ts';
import { latestVersionId } from '../contributions/views.ts';
import type { DraftService } from '../drafts/draftService.ts';
import { checkedPassage, markPassage, resolveAnchor, sectionAt, snapshot } from '../passages/passages.ts';
import { ServiceError } from '../serviceError.ts';
import type { DraftRecord, ThreadRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';
import { threadViews } from './threadViews.ts';

/**
 * Transaction origin of what the server writes into the text for threads (their marks), so that
 * the change log can tell it from an edit.
 */
const THREAD_ANCHORING = ServerChanges.threadAnchoring;

export interface ThreadDeps {
  storage: Pick<Stores, 'threads' | 'accounts' | 'versions'>;
  /** The drafts' live documents (the sync core). */
  live: LiveDrafts;
  drafts: DraftService;
  logger: Logger;
  now?: () => Date;
  /** Posts per person, one limiter shared by threads and suggestions (built in the composition root). */
  posting: PostingLimiter;
  /** Writes threads (and a reply's parent, which may be a suggestion) into the threads room. */
  publisher: ThreadsRoomPublisher;
  changelog?: ChangeLogService;
}

/**
 * Comment threads: the server is their only writer. Each change is authorised with `can`,
 * stored, then written into the live documents: the thread's mark into the draft's text, the
 * thread itself into the draft's threads document, which every client syncs read-only.
 */
export class ThreadService {
  private readonly now: () => Date;
  /** Comments and replies per person: 30 a minute. */
  private readonly posting: PostingLimiter;

  constructor(private readonly deps: ThreadDeps) {
    this.now = deps.now ?? (() => new Date());
    this.posting = deps.posting;
  }

  private require(actor: Actor, action: Action, draft: DraftRecord, ownerId?: string): void {
    requireAllowed(actor, action, draft, this.now(), ownerId);
  }

  private languageOf(actor: Actor, draft: DraftRecord): Promise<string> {
    return languageOf(this.deps.storage, actor, draft);
  }

  /** Every thread of a draft, with where its passage is now. */
  async list(actor: Actor, draftId: string): Promise<LocatedThreadView[]> {
    await this.deps.drafts.readable(actor, draftId);
    const views = await threadViews(this.deps.storage, draftId);
    const located = await this.deps.live.use(draftId, (room) => {
      const { doc } = snapshot(room.liveDoc.getXmlFragment(CONTENT_FIELD));
      const locations = locateAll(doc, views);
      return views.map((view): LocatedThreadView => {
        const where = locations.get(view.id) ?? { state: 'detached' };
        return {
          ...view,
          detached: where.state === 'detached',
          recovered: where.state === 'recovered',
          currentText: where.state === 'detached' ? null : where.text,
        };
      });
    });
    return (located ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Starts a thread on a passage; refuses an anchor that does not match the current text. */
  async create(actor: Actor, draftId: string, input: { anchor: Anchor; body: string; language?: string }) {
    const draft = await this.deps.drafts.readable(actor, draftId);
    this.require(actor, 'comment.create', draft);
    const language = input.language ?? (await this.languageOf(actor, draft));
    const now = this.now().toISOString();
    const thread: ThreadRecord = {
      id: newId(),
      draftId,
      anchor: input.anchor,
      section: null,
      status: 'open',
      createdBy: actor.userId ?? '',
      createdAt: now,
      versionId: await latestVersionId(this.deps.storage, draftId),
      resolvedBy: null,
      resolvedAt: null,
      resolutionNote: null,
    };
    await this.deps.live.use(draftId, async (room) => {
      const ydoc = room.liveDoc;
      const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
      const passage = checkedPassage(ydoc, fragment, input.anchor);
      thread.section = sectionAt(snapshot(fragment).doc, passage.from);
      // Counted only once the anchor is accepted: a refused selection is not a post.
      await this.posting.consume(actor);
      // Stored before anything is acknowledged or written into the text.
      await this.deps.storage.threads.createThread(thread, {
        id: newId(),
        threadId: thread.id,
        draftId,
        authorId: thread.createdBy,
        body: input.body,
        language,
        createdAt: now,
        editedAt: null,
        deletedAt: null,
      });
      // The text may have changed while we stored: resolve again right before marking.
      const current = resolveAnchor(ydoc, fragment, input.anchor);
      if (current) markPassage(ydoc, fragment, thread.id, current, THREAD_ANCHORING);
      else this.deps.logger.warn({ threadId: thread.id }, 'passage changed before it could be marked');
      // The mark is on disk before the thread is answered as made: readers cannot send it back.
      await room.commit();
    });
    await this.deps.changelog?.recordSafely(draftId, {
      type: 'thread.opened',
      userId: actor.userId,
      section: thread.section,
      threadId: thread.id,
      detail: input.anchor.quote.exact,
    });
    return this.publish(draftId, thread.id);
  }

  async reply(actor: Actor, draftId: string, threadId: string, input: { body: string; language?: string }) {
    const { draft } = await this.threadOf(actor, draftId, threadId);
    this.require(actor, 'comment.create', draft);
    await this.posting.consume(actor);
    await this.deps.storage.threads.addComment({
      id: newId(),
      threadId,
      draftId,
      authorId: actor.userId ?? '',
      body: input.body,
      language: input.language ?? (await this.languageOf(actor, draft)),
      createdAt: this.now().toISOString(),
      editedAt: null,
      deletedAt: null,
    });
    return this.publish(draftId, threadId);
  }

  async editComment(actor: Actor, draftId: string, commentId: string, body: string) {
    const { draft, comment } = await this.commentOf(actor, draftId, commentId);
    this.require(actor, 'comment.edit', draft, comment.authorId);
    if (comment.deletedAt) throw new ServiceError(ErrorCode.NotFound, 'This comment was removed.');
    await this.deps.storage.threads.updateComment(commentId, { body, editedAt: this.now().toISOString() });
    return this.publishParent(draftId, comment.threadId);
  }

  async deleteComment(actor: Actor, draftId: string, commentId: string) {
    const { draft, comment } = await this.commentOf(actor, draftId, commentId);
    this.require(actor, 'comment.delete', draft, comment.authorId);
    if (!comment.deletedAt) {
      await this.deps.storage.threads.updateComment(commentId, { deletedAt: this.now().toISOString() });
    }
    return this.publishParent(draftId, comment.threadId);
  }

  async resolve(actor: Actor, draftId: string, threadId: string, note?: string) {
    const { draft } = await this.threadOf(actor, draftId, threadId);
    this.require(actor, 'thread.resolve', draft);
    await this.deps.storage.threads.updateThread(threadId, {
      status: 'resolved',
      resolvedBy: actor.userId,
      resolvedAt: this.now().toISOString(),
      resolutionNote: note?.trim() || null,
    });
    await this.deps.changelog?.recordSafely(draftId, {
      type: 'thread.resolved',
      userId: actor.userId,
      section: (await this.deps.storage.threads.getThread(threadId))?.section ?? null,
      threadId,
      rationale: note?.trim() || null,
    });
    return this.publish(draftId, threadId);
  }

  async reopen(actor: Actor, draftId: string, threadId: string) {
    const { draft } = await this.threadOf(actor, draftId, threadId);
    this.require(actor, 'thread.resolve', draft);
    await this.deps.storage.threads.updateThread(threadId, {
      status: 'open',
      resolvedBy: null,
      resolvedAt: null,
      resolutionNote: null,
    });
    await this.deps.changelog?.recordSafely(draftId, {
      type: 'thread.reopened',
      userId: actor.userId,
      section: (await this.deps.storage.threads.getThread(threadId))?.section ?? null,
      threadId,
    });
    return this.publish(draftId, threadId);
  }

  /** Writes a comment's parent (a thread, or a suggestion whose discussion it is) into the threads room. */
  private publishParent(draftId: string, parentId: string): Promise<unknown> {
    return this.deps.publisher.discussion(draftId, parentId);
  }

  /** Writes the thread's current view into the live threads room, if anyone has it open. */
  private publish(draftId: string, threadId: string): Promise<ThreadView> {
    return this.deps.publisher.thread(draftId, threadId);
  }

  private async threadOf(actor: Actor, draftId: string, threadId: string) {
    const draft = await this.deps.drafts.readable(actor, draftId);
    const thread = await this.deps.storage.threads.getThread(threadId);
    if (!thread || thread.draftId !== draftId) {
      throw new ServiceError(ErrorCode.NotFound, 'There is no such thread on this draft.');
    }
    return { draft, thread };
  }

  private async commentOf(actor: Actor, draftId: string, commentId: string) {
    const draft = await this.deps.drafts.readable(actor, draftId);
    const comment = await this.deps.storage.threads.getComment(commentId);
    if (!comment || comment.draftId !== draftId) {
      throw new ServiceError(ErrorCode.NotFound, 'There is no such comment on this draft.');
    }
    return { draft, comment };
  }
}

/** The draft's latest published version, which new contributions are made on. */
