import type { ChangeLogEntry } from '../../../../shared/changelog.ts';
import { LogConflictError } from '../storage.ts';
import type { ChangeLogStore } from '../stores.ts';
import { copy, maybeCopy, OPEN_GATE, type WriteGate } from './writeGate.ts';

/** Each draft's change log in process memory: one list per draft, entry `seq` at index `seq - 1`. */
export class MemoryChangeLogStore implements ChangeLogStore {
  constructor(
    private readonly gate: WriteGate,
    private logs = new Map<string, ChangeLogEntry[]>(),
    /** Drafts whose list this store may append to; a fork shares the others' lists until it appends. */
    private readonly owned: Set<string> | 'all' = 'all',
  ) {}

  /** A copy for a transaction to change; `adopt` takes its changes on when the transaction commits. */
  fork(): MemoryChangeLogStore {
    return new MemoryChangeLogStore(OPEN_GATE, new Map(this.logs), new Set());
  }

  /** Takes on the fork's lists: they are no one else's now (the fork is dropped). */
  adopt(fork: MemoryChangeLogStore): void {
    this.logs = fork.logs;
  }

  appendLogEntry(entry: ChangeLogEntry): Promise<void> {
    return this.gate.run(() => {
      const log = this.logs.get(entry.draftId) ?? [];
      if (entry.seq !== log.length + 1) throw new LogConflictError(entry.draftId, entry.seq);
      const mine = this.owned === 'all' || this.owned.has(entry.draftId) ? log : [...log];
      mine.push(copy(entry));
      this.logs.set(entry.draftId, mine);
      if (this.owned !== 'all') this.owned.add(entry.draftId);
    });
  }

  async listLog(draftId: string): Promise<ChangeLogEntry[]> {
    return (this.logs.get(draftId) ?? []).map(copy);
  }

  async lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined> {
    return maybeCopy(this.logs.get(draftId)?.at(-1));
  }
}
