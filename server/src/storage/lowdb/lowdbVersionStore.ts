import type { VersionRecord } from '../storage.ts';
import type { VersionStore } from '../stores.ts';
import { copy, maybeCopy, type TableAccess } from './tableAccess.ts';

/** Published versions as a table of margins.json, oldest first. */
export class LowdbVersionStore implements VersionStore {
  constructor(private readonly access: TableAccess) {}

  async createVersion(version: VersionRecord): Promise<void> {
    await this.access.mutate((t) => {
      t.change('versions').push(copy(version));
    });
  }

  async getVersion(id: string): Promise<VersionRecord | undefined> {
    return maybeCopy(this.access.tables.versions.find((v) => v.id === id));
  }

  async listVersions(draftId: string): Promise<VersionRecord[]> {
    return this.access.tables.versions.filter((v) => v.draftId === draftId).map(copy);
  }
}
