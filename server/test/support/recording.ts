import type { Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { pino } from 'pino';
import * as Y from 'yjs';
import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { ChangeLogService } from '../../src/changelog/changeLogService.ts';
import { EditRecorder } from '../../src/changelog/editRecorder.ts';
import { Room } from '../../src/collab/room.ts';
import { markdownToYjsState } from '../../src/drafts/markdown.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import { editAsBinding } from './anchors.ts';
import { MemoryClient, settle } from './memoryPeer.ts';

const logger = pino({ level: 'silent' });

/**
 * A draft's room with the real change log and edit recorder on in-memory storage, and editors
 * who are signed-in people: what the recording tests drive, with the delivery order in their hands.
 */
export class RecordedDraft {
  readonly storage = new MemoryStorage();
  readonly changelog = new ChangeLogService({ storage: this.storage, logger });
  readonly recorder: EditRecorder;
  room!: Room;
  readonly editors: MemoryClient[] = [];
  readonly draftId = 'recorded-draft';

  constructor(quietMs = 60 * 60_000) {
    this.recorder = new EditRecorder({ changelog: this.changelog, logger, quietMs });
  }

  /** Creates the draft from Markdown, or from a ProseMirror document (which keeps trailing spaces). */
  async open(content: string | PMNode): Promise<this> {
    const state = typeof content === 'string' ? markdownToYjsState(content) : stateOf(content);
    const now = new Date().toISOString();
    await this.storage.drafts.createDraft(
      {
        id: this.draftId,
        title: 'Recorded',
        language: 'en',
        visibility: 'public',
        window: { opensAt: now, closesAt: now },
        createdAt: now,
        updatedAt: now,
      },
      state,
    );
    await this.reload();
    return this;
  }

  /** Loads the room from storage as a (re)started server would. */
  async reload(): Promise<Room> {
    const stored = await this.storage.drafts.loadDocument(this.draftId);
    this.room = new Room(this.draftId, stored, {
      save: (bytes, journal) => this.storage.drafts.saveDocument(this.draftId, bytes, journal),
      journal: await this.storage.drafts.loadJournal(this.draftId),
      logger,
      onEmpty: () => {},
      observer: this.recorder,
      saverTiming: { debounceMs: 5, maxWaitMs: 20, retryMs: 5, maxRetryMs: 20 },
    });
    return this.room;
  }

  /** An editor signed in as `name` (their user id is `u-<name>`), connected and synced. */
  async editor(name: string): Promise<MemoryClient> {
    await this.storage.accounts.createUser({
      id: `u-${name}`,
      email: `${name}@example.org`,
      name,
      passwordHash: 'x',
      role: 'taskforce',
      organisation: null,
      sector: null,
      country: null,
      language: null,
      createdAt: new Date().toISOString(),
    });
    const client = new MemoryClient(this.room, name);
    client.userId = `u-${name}`;
    client.connect();
    this.editors.push(client);
    await settle(this.editors);
    return client;
  }

  /** Delivers everything between the room and the editors. */
  sync(): Promise<void> {
    return settle(this.editors);
  }

  /** Ends every open burst (as two quiet minutes would) and returns the log's edit entries. */
  async edits(): Promise<ChangeLogEntry[]> {
    await this.sync();
    await this.recorder.settle(this.room);
    return (await this.storage.changeLog.listLog(this.draftId)).filter((entry) => entry.type === 'edit');
  }

  destroy(): void {
    for (const editor of this.editors) editor.destroy();
    this.room.destroy();
  }
}

function stateOf(doc: PMNode): Uint8Array {
  const ydoc = new Y.Doc();
  const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
  editAsBinding(ydoc, fragment, (tr) => tr.replaceWith(0, tr.doc.content.size, doc.content));
  return Y.encodeStateAsUpdate(ydoc);
}

/** Edits an editor's document as the TipTap binding does (one ProseMirror transaction). */
export function edit(
  client: MemoryClient,
  change: (tr: Transaction, doc: PMNode) => void,
  origin?: unknown,
): void {
  const fragment = client.doc.getXmlFragment(CONTENT_FIELD);
  if (origin === undefined) {
    editAsBinding(client.doc, fragment, change);
    return;
  }
  client.doc.transact(() => editAsBinding(client.doc, fragment, change), origin);
}

export function fragmentOf(client: MemoryClient): Y.XmlFragment {
  return client.doc.getXmlFragment(CONTENT_FIELD);
}

/** Each change of the entries as `section: before → after`, for readable expectations. */
export function describeChanges(entries: readonly ChangeLogEntry[]): string[] {
  return entries.flatMap((entry) =>
    entry.changes.map((change) => `${entry.actor?.name}: ${change.before} → ${change.after}`),
  );
}
