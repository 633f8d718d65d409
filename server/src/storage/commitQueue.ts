import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type {
  CommentRecord,
  DraftRecord,
  InviteRecord,
  SessionRecord,
  SuggestionRecord,
  ThreadRecord,
  UserRecord,
  VersionRecord,
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
 * The tables as one batch of mutations changes them, copy-on-write: a table is copied (shallowly)
 * the first time a mutation asks to change it, and records are replaced, never changed in place,
 * so the committed tables stay exactly as they were until the batch is written.
 */
export class PendingTables {
  readonly tables: Tables;
  private readonly copied = new Set<keyof Tables>();

  constructor(committed: Tables) {
    this.tables = { ...committed };
  }

  /** A table to look at (do not change it: call `change`). */
  read<K extends keyof Tables>(name: K): Readonly<Tables[K]> {
    return this.tables[name];
  }

  /** A table of this batch's own, to push to or replace records in. */
  change<K extends keyof Tables>(name: K): Tables[K] {
    if (!this.copied.has(name)) {
      this.tables[name] = [...this.tables[name]] as Tables[K];
      this.copied.add(name);
    }
    return this.tables[name];
  }

  /** Replaces a whole table (e.g. filtered). */
  replace<K extends keyof Tables>(name: K, rows: Tables[K]): void {
    this.tables[name] = rows;
    this.copied.add(name);
  }

  get changed(): boolean {
    return this.copied.size > 0;
  }

  /** A batch of its own on top of this one, for a transaction that may fail half-way. */
  fork(): PendingTables {
    return new PendingTables(this.tables);
  }

  /** Takes on every table `fork` changed (once its transaction succeeded). */
  adopt(fork: PendingTables): void {
    for (const name of fork.copied) this.replace(name, fork.tables[name] as never);
  }
}

/**
 * Checks, then changes `tables`, and returns what the caller gets. It must be synchronous and must
 * throw before changing anything, so that a refused mutation leaves the batch as it was.
 */
export type Mutation<R> = (tables: PendingTables) => R;

/**
 * Several mutations and reads that must be committed together or not at all: it may await, and
 * may fail after changing `tables` (they are its own fork, dropped then).
 */
export type Transaction<R> = (tables: PendingTables) => Promise<R>;

interface Queued {
  /** Applies the work to the batch: a mutation at once, a transaction on a fork it then takes on. */
  apply: (tables: PendingTables) => unknown;
  /** Whether `apply` returns a promise to wait for (a transaction). */
  awaited: boolean;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs mutations of the record tables so that memory never shows what the disk does not hold:
 *
 * - mutations called in the same tick, or while a write is running, form one batch; each is
 *   applied in call order to a copy-on-write copy of the committed tables, so each sees the ones
 *   before it (a second sign-up with the same email is refused, as before);
 * - the batch is written once (group commit); only when the write succeeded do the new tables
 *   become the committed ones, and the callers' promises resolve;
 * - when the write fails (disk full…), every mutation of the batch is rejected with that error and
 *   the committed tables are untouched; the next batch starts from them, so a failed write never
 *   loses a change that was already answered as done.
 *
 * A transaction takes its place in a batch like a mutation, on a fork of the batch's tables that
 * the batch takes on only if it succeeds; while it awaits, calls made meanwhile wait for the next
 * batch. Batches run one at a time, so mutations of one process never interleave half-way.
 */
export class CommitQueue {
  private pending: Queued[] = [];
  private running = false;

  constructor(
    private current: Tables,
    private readonly write: (tables: Tables) => Promise<void>,
  ) {}

  /** The tables as last written (treat as read-only). */
  get committed(): Tables {
    return this.current;
  }

  run<R>(mutation: Mutation<R>): Promise<R> {
    return this.enqueue(mutation, false);
  }

  /** Runs `transaction` in its turn (see the class comment); resolves once its changes are written. */
  transact<R>(transaction: Transaction<R>): Promise<R> {
    return this.enqueue(async (tables) => {
      const fork = tables.fork();
      const result = await transaction(fork);
      tables.adopt(fork);
      return result;
    }, true);
  }

  private enqueue<R>(apply: (tables: PendingTables) => unknown, awaited: boolean): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ apply, awaited, resolve: resolve as (result: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      const pending = new PendingTables(this.current);
      const applied: { queued: Queued; result: unknown }[] = [];
      for (const queued of batch) {
        try {
          const result = queued.awaited ? await queued.apply(pending) : queued.apply(pending);
          applied.push({ queued, result });
        } catch (error) {
          queued.reject(error);
        }
      }
      if (pending.changed) {
        try {
          await this.write(pending.tables);
        } catch (error) {
          for (const { queued } of applied) queued.reject(error);
          continue;
        }
        this.current = pending.tables;
      }
      for (const { queued, result } of applied) queued.resolve(result);
    }
    this.running = false;
  }
}
