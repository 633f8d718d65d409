import { windowState } from '../../../shared/consultation.ts';
import { isDraftId } from '../../../shared/draftSchemas.ts';
import type { DraftSettings, DraftView } from '../../../shared/drafts.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { can } from '../../../shared/permissions.ts';
import type { Actor } from '../../../shared/roles.ts';
import { ServiceError } from '../serviceError.ts';
import type { DraftRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';

export interface DraftDeps {
  storage: Pick<Stores, 'drafts'>;
  now?: () => Date;
  /**
   * Told when a draft's visibility or window changes, so open sockets can follow and the change
   * log can record a consultation opened or closed by `actor`.
   */
  onSettingsChanged?: (draft: DraftRecord, actor: Actor) => void | Promise<void>;
  /** Told just before, so that what the old window already did (opening) is recorded first. */
  beforeSettingsChange?: (draft: DraftRecord) => Promise<void>;
}

/** Which drafts someone may see, and their settings. */
export class DraftService {
  private readonly now: () => Date;

  constructor(private readonly deps: DraftDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async list(actor: Actor): Promise<DraftView[]> {
    const drafts = await this.deps.storage.drafts.listDrafts();
    return drafts
      .filter((draft) => can(actor, 'draft.read', { draft }))
      .sort((a, b) => a.title.localeCompare(b.title))
      .map((draft) => this.view(draft, actor));
  }

  /** The draft as `actor` may see it; a draft they may not read is "not found", never "forbidden". */
  async get(actor: Actor, draftId: string): Promise<DraftView> {
    return this.view(await this.readable(actor, draftId), actor);
  }

  async readable(actor: Actor, draftId: string): Promise<DraftRecord> {
    // An address that cannot name a draft is not looked up, nor repeated back at any length.
    if (!isDraftId(draftId)) throw new ServiceError(ErrorCode.NotFound, 'There is no such draft.');
    const draft = await this.deps.storage.drafts.getDraft(draftId);
    if (!draft || !can(actor, 'draft.read', { draft })) {
      throw new ServiceError(ErrorCode.NotFound, `There is no draft "${draftId}".`);
    }
    return draft;
  }

  async configure(actor: Actor, draftId: string, settings: DraftSettings): Promise<DraftView> {
    const draft = await this.readable(actor, draftId);
    if (!can(actor, 'draft.configure', { draft })) {
      throw new ServiceError(
        actor.userId ? ErrorCode.Forbidden : ErrorCode.Unauthenticated,
        'Only an admin can change a draft’s visibility and consultation window.',
      );
    }
    await this.deps.beforeSettingsChange?.(draft);
    const updated = await this.deps.storage.drafts.updateDraft(draftId, settings);
    await this.deps.onSettingsChanged?.(updated, actor);
    return this.view(updated, actor);
  }

  private view(draft: DraftRecord, actor: Actor): DraftView {
    const now = this.now();
    const resource = { draft, ownerId: actor.userId };
    return {
      ...draft,
      windowState: windowState(draft.window, now),
      permissions: {
        edit: can(actor, 'draft.edit', resource, now),
        comment: can(actor, 'comment.create', resource, now),
        suggest: can(actor, 'suggestion.create', resource, now),
        configure: can(actor, 'draft.configure', resource, now),
      },
    };
  }
}
