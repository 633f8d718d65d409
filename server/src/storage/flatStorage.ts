import type {
  AccountStore,
  ChangeLogStore,
  DraftStore,
  Stores,
  StoreTransaction,
  SuggestionStore,
  ThreadStore,
  VersionStore,
} from './stores.ts';

/** A backend's own stores, which `FlatStorage` routes every call to. */
export type BackendStores = Omit<Stores, 'transaction' | 'close'>;

/**
 * A compatibility layer for the tests written before the stores were split: every store method
 * is also a method of the bundle (`storage.createDraft(…)`), and the stores handed to services go
 * through those methods, so a test that overrides one (to slow or fail it) still reaches the
 * services. Nothing in src/ calls the flat methods, and no backend implements them: they
 * delegate to `backend`. Writes inside a transaction go to the backend directly. This file goes
 * once the tests call the stores (`storage.drafts.createDraft(…)`) and fake them by store.
 */
export abstract class FlatStorage implements Stores {
  readonly drafts: DraftStore = {
    listDrafts: (...args) => this.listDrafts(...args),
    getDraft: (...args) => this.getDraft(...args),
    createDraft: (...args) => this.createDraft(...args),
    updateDraft: (...args) => this.updateDraft(...args),
    loadDocument: (...args) => this.loadDocument(...args),
    loadJournal: (...args) => this.loadJournal(...args),
    loadDocumentWithJournal: (...args) => this.loadDocumentWithJournal(...args),
    saveDocument: (...args) => this.saveDocument(...args),
  };
  readonly accounts: AccountStore = {
    createUser: (...args) => this.createUser(...args),
    getUser: (...args) => this.getUser(...args),
    findUserByEmail: (...args) => this.findUserByEmail(...args),
    listUsers: (...args) => this.listUsers(...args),
    setUserRole: (...args) => this.setUserRole(...args),
    createSession: (...args) => this.createSession(...args),
    getSession: (...args) => this.getSession(...args),
    deleteSession: (...args) => this.deleteSession(...args),
    createInvite: (...args) => this.createInvite(...args),
    findInviteByTokenHash: (...args) => this.findInviteByTokenHash(...args),
    listInvites: (...args) => this.listInvites(...args),
    claimInvite: (...args) => this.claimInvite(...args),
  };
  readonly threads: ThreadStore = {
    createThread: (...args) => this.createThread(...args),
    getThread: (...args) => this.getThread(...args),
    listThreads: (...args) => this.listThreads(...args),
    updateThread: (...args) => this.updateThread(...args),
    addComment: (...args) => this.addComment(...args),
    getComment: (...args) => this.getComment(...args),
    listComments: (...args) => this.listComments(...args),
    updateComment: (...args) => this.updateComment(...args),
  };
  readonly suggestions: SuggestionStore = {
    createSuggestion: (...args) => this.createSuggestion(...args),
    getSuggestion: (...args) => this.getSuggestion(...args),
    listSuggestions: (...args) => this.listSuggestions(...args),
    updateSuggestion: (...args) => this.updateSuggestion(...args),
  };
  readonly changeLog: ChangeLogStore = {
    appendLogEntry: (...args) => this.appendLogEntry(...args),
    listLog: (...args) => this.listLog(...args),
    lastLogEntry: (...args) => this.lastLogEntry(...args),
  };
  readonly versions: VersionStore = {
    createVersion: (...args) => this.createVersion(...args),
    getVersion: (...args) => this.getVersion(...args),
    listVersions: (...args) => this.listVersions(...args),
  };

  constructor(private readonly backend: BackendStores) {}

  abstract transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R>;
  abstract close(): Promise<void>;

  listDrafts(...args: Parameters<DraftStore['listDrafts']>): ReturnType<DraftStore['listDrafts']> {
    return this.backend.drafts.listDrafts(...args);
  }
  getDraft(...args: Parameters<DraftStore['getDraft']>): ReturnType<DraftStore['getDraft']> {
    return this.backend.drafts.getDraft(...args);
  }
  createDraft(...args: Parameters<DraftStore['createDraft']>): ReturnType<DraftStore['createDraft']> {
    return this.backend.drafts.createDraft(...args);
  }
  updateDraft(...args: Parameters<DraftStore['updateDraft']>): ReturnType<DraftStore['updateDraft']> {
    return this.backend.drafts.updateDraft(...args);
  }
  loadDocument(...args: Parameters<DraftStore['loadDocument']>): ReturnType<DraftStore['loadDocument']> {
    return this.backend.drafts.loadDocument(...args);
  }
  loadJournal(...args: Parameters<DraftStore['loadJournal']>): ReturnType<DraftStore['loadJournal']> {
    return this.backend.drafts.loadJournal(...args);
  }
  loadDocumentWithJournal(
    ...args: Parameters<DraftStore['loadDocumentWithJournal']>
  ): ReturnType<DraftStore['loadDocumentWithJournal']> {
    return this.backend.drafts.loadDocumentWithJournal(...args);
  }
  saveDocument(...args: Parameters<DraftStore['saveDocument']>): ReturnType<DraftStore['saveDocument']> {
    return this.backend.drafts.saveDocument(...args);
  }

  createUser(...args: Parameters<AccountStore['createUser']>): ReturnType<AccountStore['createUser']> {
    return this.backend.accounts.createUser(...args);
  }
  getUser(...args: Parameters<AccountStore['getUser']>): ReturnType<AccountStore['getUser']> {
    return this.backend.accounts.getUser(...args);
  }
  findUserByEmail(
    ...args: Parameters<AccountStore['findUserByEmail']>
  ): ReturnType<AccountStore['findUserByEmail']> {
    return this.backend.accounts.findUserByEmail(...args);
  }
  listUsers(...args: Parameters<AccountStore['listUsers']>): ReturnType<AccountStore['listUsers']> {
    return this.backend.accounts.listUsers(...args);
  }
  setUserRole(...args: Parameters<AccountStore['setUserRole']>): ReturnType<AccountStore['setUserRole']> {
    return this.backend.accounts.setUserRole(...args);
  }
  createSession(
    ...args: Parameters<AccountStore['createSession']>
  ): ReturnType<AccountStore['createSession']> {
    return this.backend.accounts.createSession(...args);
  }
  getSession(...args: Parameters<AccountStore['getSession']>): ReturnType<AccountStore['getSession']> {
    return this.backend.accounts.getSession(...args);
  }
  deleteSession(
    ...args: Parameters<AccountStore['deleteSession']>
  ): ReturnType<AccountStore['deleteSession']> {
    return this.backend.accounts.deleteSession(...args);
  }
  createInvite(...args: Parameters<AccountStore['createInvite']>): ReturnType<AccountStore['createInvite']> {
    return this.backend.accounts.createInvite(...args);
  }
  findInviteByTokenHash(
    ...args: Parameters<AccountStore['findInviteByTokenHash']>
  ): ReturnType<AccountStore['findInviteByTokenHash']> {
    return this.backend.accounts.findInviteByTokenHash(...args);
  }
  listInvites(...args: Parameters<AccountStore['listInvites']>): ReturnType<AccountStore['listInvites']> {
    return this.backend.accounts.listInvites(...args);
  }
  claimInvite(...args: Parameters<AccountStore['claimInvite']>): ReturnType<AccountStore['claimInvite']> {
    return this.backend.accounts.claimInvite(...args);
  }

  createThread(...args: Parameters<ThreadStore['createThread']>): ReturnType<ThreadStore['createThread']> {
    return this.backend.threads.createThread(...args);
  }
  getThread(...args: Parameters<ThreadStore['getThread']>): ReturnType<ThreadStore['getThread']> {
    return this.backend.threads.getThread(...args);
  }
  listThreads(...args: Parameters<ThreadStore['listThreads']>): ReturnType<ThreadStore['listThreads']> {
    return this.backend.threads.listThreads(...args);
  }
  updateThread(...args: Parameters<ThreadStore['updateThread']>): ReturnType<ThreadStore['updateThread']> {
    return this.backend.threads.updateThread(...args);
  }
  addComment(...args: Parameters<ThreadStore['addComment']>): ReturnType<ThreadStore['addComment']> {
    return this.backend.threads.addComment(...args);
  }
  getComment(...args: Parameters<ThreadStore['getComment']>): ReturnType<ThreadStore['getComment']> {
    return this.backend.threads.getComment(...args);
  }
  listComments(...args: Parameters<ThreadStore['listComments']>): ReturnType<ThreadStore['listComments']> {
    return this.backend.threads.listComments(...args);
  }
  updateComment(...args: Parameters<ThreadStore['updateComment']>): ReturnType<ThreadStore['updateComment']> {
    return this.backend.threads.updateComment(...args);
  }

  createSuggestion(
    ...args: Parameters<SuggestionStore['createSuggestion']>
  ): ReturnType<SuggestionStore['createSuggestion']> {
    return this.backend.suggestions.createSuggestion(...args);
  }
  getSuggestion(
    ...args: Parameters<SuggestionStore['getSuggestion']>
  ): ReturnType<SuggestionStore['getSuggestion']> {
    return this.backend.suggestions.getSuggestion(...args);
  }
  listSuggestions(
    ...args: Parameters<SuggestionStore['listSuggestions']>
  ): ReturnType<SuggestionStore['listSuggestions']> {
    return this.backend.suggestions.listSuggestions(...args);
  }
  updateSuggestion(
    ...args: Parameters<SuggestionStore['updateSuggestion']>
  ): ReturnType<SuggestionStore['updateSuggestion']> {
    return this.backend.suggestions.updateSuggestion(...args);
  }

  appendLogEntry(
    ...args: Parameters<ChangeLogStore['appendLogEntry']>
  ): ReturnType<ChangeLogStore['appendLogEntry']> {
    return this.backend.changeLog.appendLogEntry(...args);
  }
  listLog(...args: Parameters<ChangeLogStore['listLog']>): ReturnType<ChangeLogStore['listLog']> {
    return this.backend.changeLog.listLog(...args);
  }
  lastLogEntry(
    ...args: Parameters<ChangeLogStore['lastLogEntry']>
  ): ReturnType<ChangeLogStore['lastLogEntry']> {
    return this.backend.changeLog.lastLogEntry(...args);
  }

  createVersion(
    ...args: Parameters<VersionStore['createVersion']>
  ): ReturnType<VersionStore['createVersion']> {
    return this.backend.versions.createVersion(...args);
  }
  getVersion(...args: Parameters<VersionStore['getVersion']>): ReturnType<VersionStore['getVersion']> {
    return this.backend.versions.getVersion(...args);
  }
  listVersions(...args: Parameters<VersionStore['listVersions']>): ReturnType<VersionStore['listVersions']> {
    return this.backend.versions.listVersions(...args);
  }
}
