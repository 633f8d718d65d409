import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type { DraftSettings } from '../../../shared/drafts.ts';
import type { AccountRole } from '../../../shared/roles.ts';
import {
  type CommentRecord,
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

/** Every record Margins keeps besides document bytes, as plain JSON-able arrays. */
export interface Tables {
  drafts: DraftRecord[];
  users: UserRecord[];
  sessions: SessionRecord[];
  invites: InviteRecord[];
  threads: ThreadRecord[];
  comments: CommentRecord[];
  suggestions: SuggestionRecord[];
  changelog: ChangeLogEntry[];
  versions: VersionRecord[];
}

export function emptyTables(): Tables {
  return {
    drafts: [],
    users: [],
    sessions: [],
    invites: [],
    threads: [],
    comments: [],
    suggestions: [],
    changelog: [],
    versions: [],
  };
}

/**
 * The record half of `Storage`, shared by the in-memory and lowdb implementations: they differ
 * only in `commit` (nothing, or writing the JSON file). Each mutation happens synchronously
 * before the first await, so concurrent calls in one process never interleave half-way.
 * Records are copied in and out so callers never hold live references.
 */
export class RecordTables {
  constructor(
    readonly tables: Tables,
    private readonly commit: () => Promise<void>,
  ) {}

  async listDrafts(): Promise<DraftRecord[]> {
    return this.tables.drafts.map(copy);
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    return maybeCopy(this.tables.drafts.find((d) => d.id === id));
  }

  async updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    const draft = this.tables.drafts.find((d) => d.id === id);
    if (!draft) throw new UnknownDraftError(id);
    if (settings.title !== undefined) draft.title = settings.title;
    if (settings.visibility !== undefined) draft.visibility = settings.visibility;
    if (settings.window !== undefined) draft.window = { ...settings.window };
    await this.commit();
    return copy(draft);
  }

  async createUser(user: UserRecord): Promise<void> {
    if (this.tables.users.some((u) => u.email === user.email)) throw new EmailTakenError(user.email);
    this.tables.users.push(copy(user));
    await this.commit();
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
    const user = this.tables.users.find((u) => u.id === id);
    if (!user) throw new UnknownUserError(id);
    user.role = role;
    await this.commit();
    return copy(user);
  }

  async createSession(session: SessionRecord): Promise<void> {
    // Expired sessions are swept here, the only place the table grows.
    const now = new Date().toISOString();
    this.tables.sessions = this.tables.sessions.filter((s) => s.expiresAt > now);
    this.tables.sessions.push(copy(session));
    await this.commit();
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return maybeCopy(this.tables.sessions.find((s) => s.id === id));
  }

  async deleteSession(id: string): Promise<void> {
    const before = this.tables.sessions.length;
    this.tables.sessions = this.tables.sessions.filter((s) => s.id !== id);
    if (this.tables.sessions.length !== before) await this.commit();
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    this.tables.invites.push(copy(invite));
    await this.commit();
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined> {
    return maybeCopy(this.tables.invites.find((i) => i.tokenHash === tokenHash));
  }

  async listInvites(): Promise<InviteRecord[]> {
    return this.tables.invites.map(copy);
  }

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    this.tables.threads.push(copy(thread));
    this.tables.comments.push(copy(first));
    await this.commit();
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
    const thread = this.tables.threads.find((t) => t.id === id);
    if (!thread) throw new UnknownRecordError('thread', id);
    Object.assign(thread, patch);
    await this.commit();
    return copy(thread);
  }

  async addComment(comment: CommentRecord): Promise<void> {
    if (
      !this.tables.threads.some((t) => t.id === comment.threadId) &&
      !this.tables.suggestions.some((s) => s.id === comment.threadId)
    ) {
      throw new UnknownRecordError('thread', comment.threadId);
    }
    this.tables.comments.push(copy(comment));
    await this.commit();
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
    const comment = this.tables.comments.find((c) => c.id === id);
    if (!comment) throw new UnknownRecordError('comment', id);
    Object.assign(comment, patch);
    await this.commit();
    return copy(comment);
  }

  async createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    this.tables.suggestions.push(copy(suggestion));
    await this.commit();
  }

  async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    return maybeCopy(this.tables.suggestions.find((s) => s.id === id));
  }

  async listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    return this.tables.suggestions.filter((s) => s.draftId === draftId).map(copy);
  }

  async updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    const suggestion = this.tables.suggestions.find((s) => s.id === id);
    if (!suggestion) throw new UnknownRecordError('suggestion', id);
    Object.assign(suggestion, structuredClone(patch));
    await this.commit();
    return copy(suggestion);
  }

  async appendLogEntry(entry: ChangeLogEntry): Promise<void> {
    const last = this.lastOf(entry.draftId);
    if (entry.seq !== (last?.seq ?? 0) + 1) throw new LogConflictError(entry.draftId, entry.seq);
    this.tables.changelog.push(copy(entry));
    await this.commit();
  }

  async lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined> {
    return maybeCopy(this.lastOf(draftId));
  }

  private lastOf(draftId: string): ChangeLogEntry | undefined {
    for (let i = this.tables.changelog.length - 1; i >= 0; i--) {
      const candidate = this.tables.changelog[i];
      if (candidate?.draftId === draftId) return candidate;
    }
    return undefined;
  }

  async listLog(draftId: string): Promise<ChangeLogEntry[]> {
    return this.tables.changelog.filter((e) => e.draftId === draftId).map(copy);
  }

  async createVersion(version: VersionRecord): Promise<void> {
    this.tables.versions.push(copy(version));
    await this.commit();
  }

  async getVersion(id: string): Promise<VersionRecord | undefined> {
    return maybeCopy(this.tables.versions.find((v) => v.id === id));
  }

  async listVersions(draftId: string): Promise<VersionRecord[]> {
    return this.tables.versions.filter((v) => v.draftId === draftId).map(copy);
  }

  async claimInvite(id: string, userId: string, at: string): Promise<boolean> {
    const invite = this.tables.invites.find((i) => i.id === id);
    if (!invite || invite.usedAt !== null) return false;
    invite.usedAt = at;
    invite.usedBy = userId;
    await this.commit();
    return true;
  }
}

function copy<T>(record: T): T {
  return structuredClone(record);
}

function maybeCopy<T>(record: T | undefined): T | undefined {
  return record === undefined ? undefined : copy(record);
}
