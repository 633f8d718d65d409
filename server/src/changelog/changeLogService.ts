import type { Logger } from 'pino';
import type { ChangeLogEntry, LogActor, UnsealedEntry } from '../../../shared/changelog.ts';
import type { Stores, StoreTransaction } from '../storage/stores.ts';
import { seal } from './hashChain.ts';

/** What a caller says about a change; the service adds the time, sequence and hashes. */
export type NewEntry = Partial<
  Omit<UnsealedEntry, 'seq' | 'prevHash' | 'draftId' | 'at' | 'actor' | 'type'>
> &
  Pick<UnsealedEntry, 'type'> & {
    /** The person who did it (their name, role and organisation are copied in as they are now). */
    userId: string | null;
    at?: Date;
  };

export interface ChangeLogDeps {
  /** The log itself, the accounts an entry's actor is copied from, and transactions for `alongside`. */
  storage: Pick<Stores, 'changeLog' | 'accounts' | 'transaction'>;
  logger: Logger;
  now?: () => Date;
}

/**
 * A draft's append-only, hash-chained change log. Every service that changes a draft or decides
 * on input records here; entries of one draft are appended one at a time, so the chain never forks.
 */
export class ChangeLogService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ChangeLogDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Appends an entry; resolves once it is stored. `alongside` writes the records the entry tells
   * of (a decision, a version) in the same transaction: both are stored, or neither.
   */
  record(
    draftId: string,
    entry: NewEntry,
    alongside?: (tx: StoreTransaction, entry: ChangeLogEntry) => Promise<void>,
  ): Promise<ChangeLogEntry> {
    const previous = this.queues.get(draftId) ?? Promise.resolve();
    const append = () => this.append(draftId, entry, alongside);
    const next = previous.then(append, append);
    const settled = next.catch(() => undefined);
    this.queues.set(draftId, settled);
    void settled.then(() => {
      if (this.queues.get(draftId) === settled) this.queues.delete(draftId);
    });
    return next;
  }

  /**
   * Records a change that has already happened (and may have been answered): a failure to log is
   * reported, never thrown, so it cannot undo or fail what was done.
   */
  async recordSafely(draftId: string, entry: NewEntry): Promise<void> {
    try {
      await this.record(draftId, entry);
    } catch (error) {
      this.deps.logger.error({ err: error, draftId, type: entry.type }, 'could not write the change log');
    }
  }

  list(draftId: string): Promise<ChangeLogEntry[]> {
    return this.deps.storage.changeLog.listLog(draftId);
  }

  /** Waits for every pending append (before the storage closes). */
  async settle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  private async append(
    draftId: string,
    entry: NewEntry,
    alongside: ((tx: StoreTransaction, entry: ChangeLogEntry) => Promise<void>) | undefined,
  ): Promise<ChangeLogEntry> {
    const actor = await this.actor(entry.userId);
    const sealedAfter = (last: ChangeLogEntry | undefined) =>
      seal(last, {
        at: (entry.at ?? this.now()).toISOString(),
        draftId,
        actor,
        type: entry.type,
        section: entry.section ?? null,
        changes: entry.changes ?? [],
        rationale: entry.rationale ?? null,
        threadId: entry.threadId ?? null,
        suggestionId: entry.suggestionId ?? null,
        versionId: entry.versionId ?? null,
        detail: entry.detail ?? null,
        ...(entry.burst && { burst: entry.burst }),
      });
    // Reading the last entry and appending after it is one transaction: on a store several
    // instances share, another instance's append cannot land in between (the queue above only
    // orders this instance's).
    return this.deps.storage.transaction(async (tx) => {
      const sealed = sealedAfter(await tx.changeLog.lastLogEntry(draftId));
      await tx.changeLog.appendLogEntry(sealed);
      await alongside?.(tx, sealed);
      return sealed;
    });
  }

  private async actor(userId: string | null): Promise<LogActor | null> {
    if (!userId) return null;
    const user = await this.deps.storage.accounts.getUser(userId);
    if (!user) return { id: userId, name: '', role: 'visitor', organisation: null };
    return { id: user.id, name: user.name, role: user.role, organisation: user.organisation };
  }
}
