import type { VersionRecord } from '../storage.ts';
import type { VersionStore } from '../stores.ts';
import { copy, maybeCopy, OPEN_GATE, type WriteGate } from './writeGate.ts';

/** Published versions in process memory, kept by id, oldest first. */
export class MemoryVersionStore implements VersionStore {
  constructor(
    private readonly gate: WriteGate,
    /** Versions never change, so a fork may share them. */
    private rows = new Map<string, VersionRecord>(),
  ) {}

  /** A copy for a transaction to change; `adopt` takes its changes on when the transaction commits. */
  fork(): MemoryVersionStore {
    return new MemoryVersionStore(OPEN_GATE, new Map(this.rows));
  }

  adopt(fork: MemoryVersionStore): void {
    this.rows = fork.rows;
  }

  createVersion(version: VersionRecord): Promise<void> {
    return this.gate.run(() => {
      this.rows.set(version.id, copy(version));
    });
  }

  async getVersion(id: string): Promise<VersionRecord | undefined> {
    return maybeCopy(this.rows.get(id));
  }

  async listVersions(draftId: string): Promise<VersionRecord[]> {
    return [...this.rows.values()].filter((v) => v.draftId === draftId).map(copy);
  }
}
