import { Node as PMNode } from '@tiptap/pm/model';
import type { Logger } from 'pino';
import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/roles.ts';
import type { Comparison, VersionSummary } from '../../../shared/versions.ts';
import { newId } from '../accounts/tokens.ts';
import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { LiveDrafts } from '../collab/liveDrafts.ts';
import { requireAllowed } from '../contributions/participation.ts';
import type { DraftService } from '../drafts/draftService.ts';
import { contentSchema, snapshot } from '../passages/passages.ts';
import { ServiceError } from '../serviceError.ts';
import type { VersionRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';
import { compareDocs } from './compare.ts';

export interface VersionDeps {
  storage: Pick<Stores, 'versions' | 'accounts'>;
  /** The drafts' live documents (the sync core). */
  live: LiveDrafts;
  drafts: DraftService;
  changelog: ChangeLogService;
  logger: Logger;
  now?: () => Date;
}

/** Named, immutable snapshots of a draft ("Draft for consultation", "Revision after consultation"). */
export class VersionService {
  private readonly now: () => Date;

  constructor(private readonly deps: VersionDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async list(actor: Actor, draftId: string): Promise<VersionSummary[]> {
    await this.deps.drafts.readable(actor, draftId);
    const [versions, users] = await Promise.all([
      this.deps.storage.versions.listVersions(draftId),
      this.deps.storage.accounts.listUsers(),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    return versions.map((v) => summary(v, names.get(v.createdBy) ?? ''));
  }

  /** The task force publishes the draft as it is now under a name. */
  async publish(actor: Actor, draftId: string, name: string): Promise<VersionSummary> {
    const draft = await this.deps.drafts.readable(actor, draftId);
    requireAllowed(actor, 'draft.edit', draft, this.now());
    const taken = (await this.deps.storage.versions.listVersions(draftId)).some(
      (v) => v.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
    );
    if (taken) {
      throw new ServiceError(
        ErrorCode.NameTaken,
        `This draft already has a version called “${name}”. Choose another name.`,
      );
    }
    // The edits in the text are logged before the version that contains them.
    await this.deps.live.settle(draftId);
    const content = await this.deps.live.use(draftId, (room) =>
      snapshot(room.liveDoc.getXmlFragment(CONTENT_FIELD)).doc.toJSON(),
    );
    if (!content) throw new ServiceError(ErrorCode.NotFound, 'There is no such draft.');
    const id = newId();
    const versionAt = (entry: ChangeLogEntry): VersionRecord => ({
      id,
      draftId,
      name,
      createdBy: actor.userId ?? '',
      createdAt: entry.at,
      content,
      logSeq: entry.seq,
    });
    // The version and the entry that records its publication are stored together, or neither.
    const entry = await this.deps.changelog.record(
      draftId,
      { type: 'version.published', userId: actor.userId, versionId: id, detail: name },
      (tx, logged) => tx.versions.createVersion(versionAt(logged)),
    );
    const version = versionAt(entry);
    const user = actor.userId ? await this.deps.storage.accounts.getUser(actor.userId) : undefined;
    return summary(version, user?.name ?? '');
  }

  /**
   * Compares two versions, or a version and the draft as it is now (`to = 'current'`): the text
   * with insertions and deletions marked, and the change-log entries between them.
   */
  async compare(actor: Actor, draftId: string, fromId: string, toId: string): Promise<Comparison> {
    await this.deps.drafts.readable(actor, draftId);
    const from = await this.versionOf(draftId, fromId);
    const to = toId === 'current' ? undefined : await this.versionOf(draftId, toId);
    const toDoc = to
      ? PMNode.fromJSON(contentSchema, to.content)
      : await this.deps.live.use(draftId, (room) => snapshot(room.liveDoc.getXmlFragment(CONTENT_FIELD)).doc);
    if (!toDoc) throw new ServiceError(ErrorCode.NotFound, 'There is no such draft.');
    const [older, newer] = to && to.logSeq < from.logSeq ? [to, from] : [from, to];
    const olderDoc = PMNode.fromJSON(contentSchema, older.content);
    const newerDoc = newer ? PMNode.fromJSON(contentSchema, newer.content) : toDoc;
    const log = await this.deps.changelog.list(draftId);
    const entries = log.filter((e) => e.seq > older.logSeq && (newer === undefined || e.seq <= newer.logSeq));
    return {
      from: { id: older.id, name: older.name, at: older.createdAt },
      to: newer
        ? { id: newer.id, name: newer.name, at: newer.createdAt }
        : { id: 'current', name: null, at: this.now().toISOString() },
      blocks: compareDocs(olderDoc, newerDoc),
      entries,
    };
  }

  private async versionOf(draftId: string, id: string): Promise<VersionRecord> {
    const version = await this.deps.storage.versions.getVersion(id);
    if (!version || version.draftId !== draftId) {
      throw new ServiceError(ErrorCode.NotFound, 'There is no such version of this draft.');
    }
    return version;
  }
}

function summary(version: VersionRecord, creatorName: string): VersionSummary {
  return {
    id: version.id,
    draftId: version.draftId,
    name: version.name,
    createdAt: version.createdAt,
    createdBy: { id: version.createdBy, name: creatorName },
  };
}
