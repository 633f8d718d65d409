import type { ChangeLogEntry } from '../../../../shared/changelog.ts';
import { LogConflictError } from '../storage.ts';
import type { ChangeLogStore } from '../stores.ts';
import { copy, maybeCopy, type TableAccess } from './tableAccess.ts';

/** Every draft's change log as one table of margins.json, in the order entries were appended. */
export class LowdbChangeLogStore implements ChangeLogStore {
  constructor(private readonly access: TableAccess) {}

  async appendLogEntry(entry: ChangeLogEntry): Promise<void> {
    await this.access.mutate((t) => {
      const last = lastOf(t.read('changelog'), entry.draftId);
      if (entry.seq !== (last?.seq ?? 0) + 1) throw new LogConflictError(entry.draftId, entry.seq);
      t.change('changelog').push(copy(entry));
    });
  }

  async lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined> {
    return maybeCopy(lastOf(this.access.tables.changelog, draftId));
  }

  async listLog(draftId: string): Promise<ChangeLogEntry[]> {
    return this.access.tables.changelog.filter((e) => e.draftId === draftId).map(copy);
  }
}

function lastOf(changelog: readonly ChangeLogEntry[], draftId: string): ChangeLogEntry | undefined {
  for (let i = changelog.length - 1; i >= 0; i--) {
    const candidate = changelog[i];
    if (candidate?.draftId === draftId) return candidate;
  }
  return undefined;
}
