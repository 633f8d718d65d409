import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type { DraftSettings } from '../../../shared/drafts.ts';
import type { AccountRole } from '../../../shared/roles.ts';
import { CommitQueue, type Mutation, type Tables } from './commitQueue.ts';
import {
  type CommentRecord,
  DraftExistsError,
  type DraftRecord,
  EmailTakenError,
  type InviteRecord,
  LogConflictError,
  type SessionRecord,
  type SuggestionPatch,
  type SuggestionRecord,
  type ThreadRecord,
  UnknownDraftError,
  UnknownRecordError,
  UnknownUserError,
  type UserRecord,
  type VersionRecord,
} from './storage.ts';

/**
 * The record half of `Storage`, shared by the in-memory and lowdb implementations: they differ
 * only in `write` (nothing, or writing the JSON file). Every change goes through a `CommitQueue`:
 * the tables callers read change only once the write of that change succeeded, and concurrent
 * calls never interleave half-way. Records are copied in and out so callers never hold live
 * references, and committed records are replaced, never changed in place.
 */
export class RecordTables {
  private readonly queue: CommitQueue;
  /** Draft id → when its document was last saved: newer than the record's `updatedAt` on disk. */
  private readonly documentSavedAt = new Map<string, string>();

  constructor(tables: Tables, write: (tables: Tables) => Promise<void>) {
    this.queue = new CommitQueue(tables, write);
  }

  /** The committed tables (what the last successful write holds); read-only. */
  protected get tables(): Tables {
    return this.queue.committed;
  }

  /** Applies `mutation` once it is written (see `CommitQueue`). */
  protected mutate<R>(mutation: Mutation<R>): Promise<R> {
    return this.queue.run(mutation);
  }

  /**
   * Records that a draft's document was saved at `at`. Kept beside the tables, not in them: the
   * document file holds that time durably (its `savedAt`), so a save needs no second write.
   */
  protected documentSaved(id: string, at: string): void {
    const known = this.documentSavedAt.get(id);
    if (!known || at > known) this.documentSavedAt.set(id, at);
  }

  /** Adds a draft record (the document is the implementation's business). */
  protected addDraft(draft: DraftRecord): Promise<void> {
    return this.mutate((t) => {
      if (t.read('drafts').some((d) => d.id === draft.id)) throw new DraftExistsError(draft.id);
      t.change('drafts').push(copy(draft));
    });
  }

  private present(draft: DraftRecord): DraftRecord {
    const saved = this.documentSavedAt.get(draft.id);
    const record = copy(draft);
    if (saved && saved > record.updatedAt) record.updatedAt = saved;
    return record;
  }

  async listDrafts(): Promise<DraftRecord[]> {
    return this.tables.drafts.map((d) => this.present(d));
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const draft = this.tables.drafts.find((d) => d.id === id);
    return draft && this.present(draft);
  }

  async updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    const updated = await this.mutate((t) => {
      const next = {
        ...at(
          t.read('drafts'),
          (d) => d.id === id,
          () => new UnknownDraftError(id),
        ),
      };
      if (settings.title !== undefined) next.title = settings.title;
      if (settings.visibility !== undefined) next.visibility = settings.visibility;
      if (settings.window !== undefined) next.window = { ...settings.window };
      return replaceIn(t.change('drafts'), (d) => d.id === id, next);
    });
    return this.present(updated);
  }

  async createUser(user: UserRecord): Promise<void> {
    await this.mutate((t) => {
      if (t.read('users').some((u) => u.email === user.email)) throw new EmailTakenError(user.email);
      t.change('users').push(copy(user));
    });
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return maybeCopy(this.tables.users.find((u) => u.id === id));
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return maybeCopy(this.tables.users.find((u) => u.email === email));
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.tables.users.map(copy);
  }

  async setUserRole(id: string, role: AccountRole): Promise<UserRecord> {
    return this.mutate((t) => {
      const user = at(
        t.read('users'),
        (u) => u.id === id,
        () => new UnknownUserError(id),
      );
      return copy(replaceIn(t.change('users'), (u) => u.id === id, { ...user, role }));
    });
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.mutate((t) => {
      // Expired sessions are swept here, the only place the table grows.
      const now = new Date().toISOString();
      t.replace('sessions', [...t.read('sessions').filter((s) => s.expiresAt > now), copy(session)]);
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return maybeCopy(this.tables.sessions.find((s) => s.id === id));
  }

  async deleteSession(id: string): Promise<void> {
    await this.mutate((t) => {
      const kept = t.read('sessions').filter((s) => s.id !== id);
      if (kept.length !== t.read('sessions').length) t.replace('sessions', kept);
    });
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.mutate((t) => {
      t.change('invites').push(copy(invite));
    });
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined> {
    return maybeCopy(this.tables.invites.find((i) => i.tokenHash === tokenHash));
  }

  async listInvites(): Promise<InviteRecord[]> {
    return this.tables.invites.map(copy);
  }

  async claimInvite(id: string, userId: string, when: string): Promise<boolean> {
    return this.mutate((t) => {
      const invite = t.read('invites').find((i) => i.id === id);
      if (!invite || invite.usedAt !== null) return false;
      replaceIn(t.change('invites'), (i) => i.id === id, { ...invite, usedAt: when, usedBy: userId });
      return true;
    });
  }

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    await this.mutate((t) => {
      t.change('threads').push(copy(thread));
      t.change('comments').push(copy(first));
    });
  }

  async getThread(id: string): Promise<ThreadRecord | undefined> {
    return maybeCopy(this.tables.threads.find((t) => t.id === id));
  }

  async listThreads(draftId: string): Promise<ThreadRecord[]> {
    return this.tables.threads.filter((t) => t.draftId === draftId).map(copy);
  }

  async updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord> {
    return this.mutate((t) => {
      const thread = at(
        t.read('threads'),
        (r) => r.id === id,
        () => new UnknownRecordError('thread', id),
      );
      return copy(replaceIn(t.change('threads'), (r) => r.id === id, { ...thread, ...copy(patch) }));
    });
  }

  async addComment(comment: CommentRecord): Promise<void> {
    await this.mutate((t) => {
      if (
        !t.read('threads').some((r) => r.id === comment.threadId) &&
        !t.read('suggestions').some((s) => s.id === comment.threadId)
      ) {
        throw new UnknownRecordError('thread', comment.threadId);
      }
      t.change('comments').push(copy(comment));
    });
  }

  async getComment(id: string): Promise<CommentRecord | undefined> {
    return maybeCopy(this.tables.comments.find((c) => c.id === id));
  }

  async listComments(draftId: string): Promise<CommentRecord[]> {
    return this.tables.comments.filter((c) => c.draftId === draftId).map(copy);
  }

  async updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord> {
    return this.mutate((t) => {
      const comment = at(
        t.read('comments'),
        (c) => c.id === id,
        () => new UnknownRecordError('comment', id),
      );
      return copy(replaceIn(t.change('comments'), (c) => c.id === id, { ...comment, ...copy(patch) }));
    });
  }

  async createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    await this.mutate((t) => {
      t.change('suggestions').push(copy(suggestion));
    });
  }

  async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    return maybeCopy(this.tables.suggestions.find((s) => s.id === id));
  }

  async listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    return this.tables.suggestions.filter((s) => s.draftId === draftId).map(copy);
  }

  async updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    return this.mutate((t) => {
      const found = at(
        t.read('suggestions'),
        (s) => s.id === id,
        () => new UnknownRecordError('suggestion', id),
      );
      return copy(replaceIn(t.change('suggestions'), (s) => s.id === id, { ...found, ...copy(patch) }));
    });
  }

  async appendLogEntry(entry: ChangeLogEntry): Promise<void> {
    await this.mutate((t) => {
      const last = lastOf(t.read('changelog'), entry.draftId);
      if (entry.seq !== (last?.seq ?? 0) + 1) throw new LogConflictError(entry.draftId, entry.seq);
      t.change('changelog').push(copy(entry));
    });
  }

  async lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined> {
    return maybeCopy(lastOf(this.tables.changelog, draftId));
  }

  async listLog(draftId: string): Promise<ChangeLogEntry[]> {
    return this.tables.changelog.filter((e) => e.draftId === draftId).map(copy);
  }

  async createVersion(version: VersionRecord): Promise<void> {
    await this.mutate((t) => {
      t.change('versions').push(copy(version));
    });
  }

  async getVersion(id: string): Promise<VersionRecord | undefined> {
    return maybeCopy(this.tables.versions.find((v) => v.id === id));
  }

  async listVersions(draftId: string): Promise<VersionRecord[]> {
    return this.tables.versions.filter((v) => v.draftId === draftId).map(copy);
  }
}

function lastOf(changelog: readonly ChangeLogEntry[], draftId: string): ChangeLogEntry | undefined {
  for (let i = changelog.length - 1; i >= 0; i--) {
    const candidate = changelog[i];
    if (candidate?.draftId === draftId) return candidate;
  }
  return undefined;
}

/** The record matching `where`, or the error `missing` gives. */
function at<T>(rows: readonly T[], where: (row: T) => boolean, missing: () => Error): T {
  const found = rows.find(where);
  if (!found) throw missing();
  return found;
}

/** Puts `next` in place of the record matching `where` (in a table the batch owns) and returns it. */
function replaceIn<T>(rows: T[], where: (row: T) => boolean, next: T): T {
  rows[rows.findIndex(where)] = next;
  return next;
}

function copy<T>(record: T): T {
  return structuredClone(record);
}

function maybeCopy<T>(record: T | undefined): T | undefined {
  return record === undefined ? undefined : copy(record);
}
