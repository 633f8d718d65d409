import type { Logger } from 'pino';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { newId } from '../accounts/tokens.ts';
import { originOf } from '../collab/origins.ts';
import type { EditObserver, ObservedDraft } from '../collab/room.ts';
import { contentSchema } from '../passages/passages.ts';
import type { DocumentJournal, StoredBurst } from '../storage/storage.ts';
import type { ChangeLogService } from './changeLogService.ts';
import { burstChanges, type DeleteSet } from './editAttribution.ts';

/** A burst of one person's edits ends after this long without another. */
export const BURST_QUIET_MS = 2 * 60_000;

interface Burst {
  id: string;
  userId: string;
  startedAt: Date;
  lastAt: Date;
  /** Client id → its clock when the burst began. */
  clients: Map<number, number>;
  deletes: DeleteSet;
  timer?: NodeJS.Timeout;
}

/** One draft's edits in progress. */
class DraftEdits {
  /** Client id → the person who writes under it (kept in the journal, so it outlives a restart). */
  readonly authors = new Map<number, string>();
  /** Open bursts, by person. */
  readonly open = new Map<string, Burst>();
  /** Bursts whose entry is being written: still journaled until it is stored. */
  readonly ending = new Set<Burst>();
  /** Bursts found in the journal at load: the server stopped (or crashed) before logging them. */
  recovered: Burst[] = [];
  /** Deletions whose content is kept from garbage collection while a burst may need it. */
  retained: DeleteSet[] = [];
  readonly writes = new Set<Promise<void>>();

  get retaining(): boolean {
    return this.open.size > 0 || this.ending.size > 0 || this.recovered.length > 0;
  }
}

const isTextBlock = (nodeName: string) => contentSchema.nodes[nodeName]?.isTextblock ?? false;

export interface EditRecorderDeps {
  /** Where each burst's entry is written. */
  changelog: ChangeLogService;
  logger: Logger;
  /** How long without an edit from a person ends their burst; `BURST_QUIET_MS` by default. */
  quietMs?: number;
  now?: () => Date;
}

/**
 * Turns people's direct edits into change-log entries: one per person per burst (a burst ends
 * after two minutes without an edit from them), listing each paragraph they changed before and
 * after. Edits are attributed by Yjs item ids — what was written under a person's client ids, and
 * what their own updates deleted — so every character inserted or removed is in some entry, and
 * two people editing the same paragraph each get their own words (see `editAttribution.ts`).
 *
 * Open bursts are kept in the document's journal, saved with its state, so a burst still open
 * when the server is killed is logged at the next start with its own times.
 */
export class EditRecorder implements EditObserver {
  private readonly drafts = new Map<ObservedDraft, DraftEdits>();

  private readonly quietMs: number;
  private readonly now: () => Date;

  constructor(private readonly deps: EditRecorderDeps) {
    this.quietMs = deps.quietMs ?? BURST_QUIET_MS;
    this.now = deps.now ?? (() => new Date());
  }

  opened(draft: ObservedDraft, journal: DocumentJournal): void {
    const edits = new DraftEdits();
    for (const [client, userId] of Object.entries(journal.authors)) edits.authors.set(Number(client), userId);
    edits.recovered = journal.bursts.map(fromStored);
    this.drafts.set(draft, edits);
    // Deleted words stay readable while a burst may still have to show them (Yjs would otherwise
    // drop their content at the end of the transaction that deleted them).
    draft.doc.gcFilter = () => !edits.retaining;
    draft.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      // Runs inside the editor's own update: a failure here must not fail their socket.
      try {
        this.observe(draft, edits, transaction);
      } catch (error) {
        this.deps.logger.error(
          { err: error, draftId: draft.draftId },
          'could not note an edit for the change log',
        );
      }
    });
  }

  beforeUpdate(draft: ObservedDraft, userId: string, writtenClients: readonly number[]): void {
    const edits = this.drafts.get(draft);
    if (!edits) return;
    try {
      this.claim(draft, edits, userId, writtenClients);
    } catch (error) {
      this.deps.logger.error(
        { err: error, draftId: draft.draftId },
        'could not note an edit for the change log',
      );
    }
  }

  private claim(
    draft: ObservedDraft,
    edits: DraftEdits,
    userId: string,
    writtenClients: readonly number[],
  ): void {
    // Opened before the update is applied, so that what it deletes is retained.
    this.burstOf(draft, edits, userId);
    for (const client of writtenClients) {
      const author = edits.authors.get(client);
      if (author === undefined) {
        edits.authors.set(client, userId);
      } else if (author !== userId) {
        // Someone re-sending another person's edits the server lost in a crash: still theirs.
        this.burstOf(draft, edits, author);
      }
    }
  }

  journal(draft: ObservedDraft): Pick<DocumentJournal, 'authors' | 'bursts'> {
    const edits = this.drafts.get(draft);
    if (!edits) return { authors: {}, bursts: [] };
    const bursts = [...edits.recovered, ...edits.ending, ...edits.open.values()];
    return { authors: Object.fromEntries(edits.authors), bursts: bursts.map(toStored) };
  }

  /** Logs the bursts a crash or stop left in the journal (skipping any already logged). */
  async recover(draft: ObservedDraft): Promise<void> {
    const edits = this.drafts.get(draft);
    if (!edits || edits.recovered.length === 0) return;
    const logged = new Set(
      (await this.deps.changelog.list(draft.draftId)).flatMap((entry) =>
        entry.burst ? [entry.burst.id] : [],
      ),
    );
    const recovered = edits.recovered;
    for (const burst of recovered) {
      if (!logged.has(burst.id)) await this.write(draft, burst);
    }
    edits.recovered = [];
    this.release(draft, edits);
  }

  /** Ends the draft's open bursts now and resolves once their entries are stored. */
  async settle(draft: ObservedDraft): Promise<void> {
    const edits = this.drafts.get(draft);
    if (!edits) return;
    for (const burst of [...edits.open.values()]) this.end(draft, edits, burst);
    await Promise.all([...edits.writes]);
  }

  closed(draft: ObservedDraft): void {
    const edits = this.drafts.get(draft);
    for (const burst of edits?.open.values() ?? []) clearTimeout(burst.timer);
    this.drafts.delete(draft);
  }

  /** Ends every open burst now and waits for their entries (the server is stopping). */
  async settleAll(): Promise<void> {
    await Promise.all([...this.drafts.keys()].map((draft) => this.settle(draft)));
  }

  private observe(draft: ObservedDraft, edits: DraftEdits, transaction: Y.Transaction): void {
    if (edits.retaining && transaction.deleteSet.clients.size > 0) edits.retained.push(transaction.deleteSet);
    // Only people's updates are edits: the server's own writes (marks, accepted suggestions,
    // loading the stored state) have their own origins and entries.
    const origin = originOf(transaction.origin);
    if (origin.kind !== 'person' || !origin.peer.userId) return;
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      const author = after > before ? edits.authors.get(client) : undefined;
      if (author === undefined) continue;
      const burst = this.burstOf(draft, edits, author);
      if (!burst.clients.has(client)) burst.clients.set(client, before);
    }
    if (transaction.deleteSet.clients.size > 0) {
      const burst = this.burstOf(draft, edits, origin.peer.userId);
      burst.deletes = Y.mergeDeleteSets([burst.deletes, transaction.deleteSet]);
    }
  }

  private burstOf(draft: ObservedDraft, edits: DraftEdits, userId: string): Burst {
    const now = this.now();
    const existing = edits.open.get(userId);
    if (existing) {
      existing.lastAt = now;
      existing.timer?.refresh();
      return existing;
    }
    const burst: Burst = {
      id: newId(),
      userId,
      startedAt: now,
      lastAt: now,
      clients: new Map(),
      deletes: Y.createDeleteSet(),
    };
    burst.timer = setTimeout(() => this.end(draft, edits, burst), this.quietMs);
    burst.timer.unref();
    edits.open.set(userId, burst);
    return burst;
  }

  private end(draft: ObservedDraft, edits: DraftEdits, burst: Burst): void {
    clearTimeout(burst.timer);
    if (edits.open.get(burst.userId) !== burst) return;
    edits.open.delete(burst.userId);
    edits.ending.add(burst);
    const write = this.write(draft, burst).then(
      () => {
        edits.ending.delete(burst);
        this.release(draft, edits);
      },
      (error: unknown) => {
        // Left in the journal: the next start logs it.
        this.deps.logger.error(
          { err: error, draftId: draft.draftId },
          'could not log an edit burst; kept for the next start',
        );
      },
    );
    edits.writes.add(write);
    void write.finally(() => edits.writes.delete(write));
  }

  /** Writes the burst's entry, if it changed any text; rejects if the log could not be written. */
  private async write(draft: ObservedDraft, burst: Burst): Promise<void> {
    const fragment = draft.liveDoc.getXmlFragment(CONTENT_FIELD);
    const changes = burstChanges(fragment, burst, isTextBlock);
    if (changes.length === 0) return;
    await this.deps.changelog.record(draft.draftId, {
      type: 'edit',
      userId: burst.userId,
      at: burst.lastAt,
      section: changes[0]?.section ?? null,
      changes,
      burst: { id: burst.id, startedAt: burst.startedAt.toISOString(), endedAt: burst.lastAt.toISOString() },
    });
  }

  /** Once no burst needs deleted words any more, lets Yjs drop their content, and saves. */
  private release(draft: ObservedDraft, edits: DraftEdits): void {
    if (!edits.retaining && edits.retained.length > 0 && !draft.doc.isDestroyed) {
      for (const deletions of edits.retained) Y.tryGc(deletions, draft.doc.store, () => true);
      edits.retained = [];
    }
    draft.journalChanged();
  }
}

function toStored(burst: Burst): StoredBurst {
  return {
    id: burst.id,
    userId: burst.userId,
    startedAt: burst.startedAt.toISOString(),
    lastAt: burst.lastAt.toISOString(),
    clients: Object.fromEntries(burst.clients),
    deletes: Buffer.from(Y.encodeSnapshot(Y.createSnapshot(burst.deletes, new Map()))).toString('base64'),
  };
}

function fromStored(stored: StoredBurst): Burst {
  return {
    id: stored.id,
    userId: stored.userId,
    startedAt: new Date(stored.startedAt),
    lastAt: new Date(stored.lastAt),
    clients: new Map(Object.entries(stored.clients).map(([client, clock]) => [Number(client), clock])),
    deletes: Y.decodeSnapshot(Buffer.from(stored.deletes, 'base64')).ds,
  };
}
