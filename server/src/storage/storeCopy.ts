import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import type { Stores } from './stores.ts';

// Copying one backend's stores into another (`npm run migrate-store`: lowdb → PostgreSQL), and
// checking that the copy holds the same. Sessions are not copied: people sign in again.

export interface CopyCounts {
  drafts: number;
  users: number;
  invites: number;
  threads: number;
  comments: number;
  suggestions: number;
  versions: number;
  logEntries: number;
}

/** Whether `stores` holds anything a copy could collide with. */
export async function holdsAnything(stores: Stores): Promise<boolean> {
  return (await stores.drafts.listDrafts()).length > 0 || (await stores.accounts.listUsers()).length > 0;
}

/**
 * Copies every record of `from` into `to`, in the order `from` lists them (so lists keep their
 * order), each draft's text with its journal. Resolves with what was copied.
 */
export async function copyStores(from: Stores, to: Stores): Promise<CopyCounts> {
  const counts: CopyCounts = {
    drafts: 0,
    users: 0,
    invites: 0,
    threads: 0,
    comments: 0,
    suggestions: 0,
    versions: 0,
    logEntries: 0,
  };
  for (const user of await from.accounts.listUsers()) {
    await to.accounts.createUser(user);
    counts.users++;
  }
  for (const invite of await from.accounts.listInvites()) {
    await to.accounts.createInvite(invite);
    counts.invites++;
  }
  for (const draft of await from.drafts.listDrafts()) {
    const { state, journal } = await from.drafts.loadDocumentWithJournal(draft.id);
    await to.drafts.createDraft(draft, state ?? new Uint8Array([0, 0]));
    // Edit bursts and changes not yet logged (a store left by a crash) go with the text; the
    // first instance that opens the draft completes them. (That save moves the draft's `updatedAt`.)
    if (journal.bursts.length > 0 || journal.intents.length > 0) {
      await to.drafts.saveDocument(draft.id, state ?? new Uint8Array([0, 0]), journal);
    }
    counts.drafts++;
    const threads = new Map((await from.threads.listThreads(draft.id)).map((thread) => [thread.id, thread]));
    for (const comment of await from.threads.listComments(draft.id)) {
      const thread = threads.get(comment.threadId);
      if (thread) {
        // A thread is stored with its first comment.
        await to.threads.createThread(thread, comment);
        threads.delete(comment.threadId);
        counts.threads++;
      } else {
        await to.threads.addComment(comment);
      }
      counts.comments++;
    }
    for (const suggestion of await from.suggestions.listSuggestions(draft.id)) {
      await to.suggestions.createSuggestion(suggestion);
      counts.suggestions++;
    }
    for (const version of await from.versions.listVersions(draft.id)) {
      await to.versions.createVersion(version);
      counts.versions++;
    }
    for (const entry of await from.changeLog.listLog(draft.id)) {
      await to.changeLog.appendLogEntry(entry);
      counts.logEntries++;
    }
  }
  return counts;
}

/** What differs between the two stores, one line each; empty when the copy is whole. */
export async function compareStores(from: Stores, to: Stores): Promise<string[]> {
  const problems: string[] = [];
  const same = (what: string, a: number, b: number) => {
    if (a !== b) problems.push(`${what}: ${a} in the source, ${b} in the copy`);
  };
  same('people', (await from.accounts.listUsers()).length, (await to.accounts.listUsers()).length);
  same('invites', (await from.accounts.listInvites()).length, (await to.accounts.listInvites()).length);
  const drafts = await from.drafts.listDrafts();
  same('drafts', drafts.length, (await to.drafts.listDrafts()).length);
  for (const draft of drafts) {
    const copied = await to.drafts.getDraft(draft.id);
    if (!copied) {
      problems.push(`draft ${draft.id} is missing from the copy`);
      continue;
    }
    const settings = (record: typeof draft) =>
      JSON.stringify(sortedKeys({ ...record, updatedAt: undefined }));
    if (settings(copied) !== settings(draft)) {
      problems.push(`draft ${draft.id}: its settings differ`);
    }
    if (textOf(await from.drafts.loadDocument(draft.id)) !== textOf(await to.drafts.loadDocument(draft.id))) {
      problems.push(`draft ${draft.id}: its text differs`);
    }
    same(
      `threads of ${draft.id}`,
      (await from.threads.listThreads(draft.id)).length,
      (await to.threads.listThreads(draft.id)).length,
    );
    same(
      `comments of ${draft.id}`,
      (await from.threads.listComments(draft.id)).length,
      (await to.threads.listComments(draft.id)).length,
    );
    same(
      `suggestions of ${draft.id}`,
      (await from.suggestions.listSuggestions(draft.id)).length,
      (await to.suggestions.listSuggestions(draft.id)).length,
    );
    same(
      `versions of ${draft.id}`,
      (await from.versions.listVersions(draft.id)).length,
      (await to.versions.listVersions(draft.id)).length,
    );
    const [log, copiedLog] = [await from.changeLog.listLog(draft.id), await to.changeLog.listLog(draft.id)];
    same(`change-log entries of ${draft.id}`, log.length, copiedLog.length);
    if (log.at(-1)?.hash !== copiedLog.at(-1)?.hash) {
      problems.push(`draft ${draft.id}: the change log's head hash differs`);
    }
  }
  return problems;
}

/** A draft's content as the editor holds it, for comparing two stored states. */
function textOf(state: Uint8Array | undefined): string {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment(CONTENT_FIELD).toString();
  doc.destroy();
  return text;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, sortedKeys(inner)]),
  );
}
