import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, Limits, MessageType } from '../../shared/protocol.ts';
import { Room } from '../src/collab/room.ts';
import { checkUpdate } from '../src/collab/updateCheck.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { MemoryClient, settle } from './support/memoryPeer.ts';
import { RecordedDraft } from './support/recording.ts';

// Issue 12, items 2 and 3, in memory: updates that nest deeper than the schema can hold, and
// updates that need content nobody sent, are refused before anything of them is applied.

const logger = pino({ level: 'silent' });
const LIMIT = Limits.maxNestingDepth;
const rooms: Room[] = [];
const clients: MemoryClient[] = [];
const drafts: RecordedDraft[] = [];

afterEach(() => {
  for (const each of clients.splice(0)) each.destroy();
  for (const room of rooms.splice(0)) room.destroy();
  for (const draft of drafts.splice(0)) draft.destroy();
});

function makeRoom(stored = markdownToYjsState('# Plan\n\nThe first words.\n')) {
  const saves: Uint8Array[] = [];
  const room = new Room('test-draft', stored, {
    save: async (state) => {
      saves.push(state);
    },
    logger,
    onEmpty: () => {},
  });
  rooms.push(room);
  return { room, saves };
}

async function connected(room: Room, id: string): Promise<MemoryClient> {
  const created = new MemoryClient(room, id);
  clients.push(created);
  created.connect();
  await settle([created]);
  return created;
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A copy of `doc` under a fresh client id, to write what a hostile or stale client would. */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** What `change` adds to a copy of `doc`, as one update (the structs and deletions it wrote). */
function updateOn(doc: Y.Doc, change: (copy: Y.Doc, fragment: Y.XmlFragment) => void): Uint8Array {
  const copy = copyOf(doc);
  const before = Y.encodeStateVector(copy);
  copy.transact(() => change(copy, copy.getXmlFragment(CONTENT_FIELD)));
  return Y.encodeStateAsUpdate(copy, before);
}

/**
 * Appends `quotes` block quotes, each inside the last, to `parent`, with a paragraph of `text`
 * at the bottom: the paragraph's text is `quotes + 2` levels below `parent`.
 */
function nest(parent: Y.XmlFragment | Y.XmlElement, quotes: number, text = 'buried'): Y.XmlElement {
  let inner: Y.XmlFragment | Y.XmlElement = parent;
  for (let level = 0; level < quotes; level++) {
    const quote = new Y.XmlElement('blockquote');
    inner.insert(inner.length, [quote]);
    inner = quote;
  }
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  inner.insert(inner.length, [paragraph]);
  return paragraph;
}

function refusal(run: () => void): { code: number; message: string } | undefined {
  try {
    run();
  } catch (error) {
    return error as { code: number; message: string };
  }
  return undefined;
}

describe('updates nesting deeper than Limits.maxNestingDepth', () => {
  it('CLOSE-7 refuses blocks nested one level deeper than the limit with 4422, applying and relaying nothing', async () => {
    const { room } = makeRoom();
    const tom = await connected(room, 'tom');
    const mallory = await connected(room, 'mallory');
    const before = Y.encodeStateVector(room.liveDoc);
    // The root's children are at 1: quotes at 1–63, the paragraph at 64, its text at 65.
    const update = updateOn(room.liveDoc, (_doc, fragment) => nest(fragment, LIMIT - 1));

    const thrown = refusal(() => room.receive(mallory, updateMessage(update)));

    expect(thrown).toMatchObject({ code: CloseCode.UpdateRefused });
    expect(thrown?.message).toContain(`${LIMIT + 1} levels deep`);
    expect(Y.encodeStateVector(room.doc)).toEqual(before);
    await settle([tom]);
    expect(tom.content).not.toContain('buried');
  });

  it('accepts blocks nested exactly as deep as the limit', async () => {
    const { room } = makeRoom();
    const tom = await connected(room, 'tom');
    const update = updateOn(room.liveDoc, (_doc, fragment) => nest(fragment, LIMIT - 2));

    room.receive(tom, updateMessage(update));

    expect(room.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('buried');
  });

  it('counts the levels the document already has, also for a block placed beside one (its parent found through its neighbour)', async () => {
    const { room } = makeRoom();
    const tom = await connected(room, 'tom');
    // A paragraph at 63 (under 62 quotes), its text at 64: as deep as it may be.
    room.receive(tom, updateMessage(updateOn(room.liveDoc, (_doc, fragment) => nest(fragment, LIMIT - 2))));
    const deepest = (doc: Y.Doc) => {
      let element = doc.getXmlFragment(CONTENT_FIELD).get(2) as Y.XmlElement;
      while (element.nodeName === 'blockquote') element = element.get(0) as Y.XmlElement;
      return element;
    };
    const lineBreak = updateOn(room.liveDoc, (doc) =>
      deepest(doc).insert(0, [new Y.XmlElement('hardBreak')]),
    );
    const underIt = updateOn(room.liveDoc, (doc) => {
      const hardBreak = new Y.XmlElement('hardBreak');
      hardBreak.insert(0, [new Y.XmlText('one too deep')]);
      deepest(doc).insert(0, [hardBreak]);
    });
    const beside = updateOn(room.liveDoc, (doc) => {
      const next = new Y.XmlElement('paragraph');
      next.insert(0, [new Y.XmlText('beside')]);
      (deepest(doc).parent as Y.XmlElement).insert(1, [next]);
    });

    expect(refusal(() => room.receive(tom, updateMessage(underIt)))).toMatchObject({
      code: CloseCode.UpdateRefused,
    });
    room.receive(tom, updateMessage(lineBreak));
    room.receive(tom, updateMessage(beside));
    const text = room.doc.getXmlFragment(CONTENT_FIELD).toString();
    expect(text).toContain('beside');
    expect(text).toContain('<hardbreak></hardbreak>');
    expect(text).not.toContain('one too deep');
  });

  it('refuses an attribute whose value nests deeper than the limit', async () => {
    const { room } = makeRoom();
    const tom = await connected(room, 'tom');
    let value: unknown = 'bottom';
    for (let level = 0; level < LIMIT + 5; level++) value = { inner: value };
    const update = updateOn(room.liveDoc, (_doc, fragment) => {
      (fragment.get(0) as Y.XmlElement).setAttribute('level', value as string);
    });

    expect(refusal(() => room.receive(tom, updateMessage(update)))).toMatchObject({
      code: CloseCode.UpdateRefused,
    });
  });

  it('LIMIT-17 finds the depth of 6,000 levels in one update without recursion, as it finds a 20,000-paragraph paste flat', async () => {
    const { room } = makeRoom();
    const deep = updateOn(room.liveDoc, (_doc, fragment) => nest(fragment, 6000));
    const paste = updateOn(room.liveDoc, (_doc, fragment) => {
      const paragraphs = Array.from({ length: 20_000 }, (_, i) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(`Paragraph ${i}.`)]);
        return paragraph;
      });
      fragment.insert(fragment.length, paragraphs);
    });

    expect(checkUpdate(room.liveDoc, deep, LIMIT).depth).toBe(6002);
    expect(checkUpdate(room.liveDoc, paste, LIMIT)).toMatchObject({ depth: 2, missing: undefined });
  });
});

describe('updates that need content nobody sent', () => {
  /** Two updates of one writer, the second on top of the first: the first is never sent. */
  function secondOfTwo(base: Y.Doc): { first: Uint8Array; second: Uint8Array } {
    const writer = copyOf(base);
    const start = Y.encodeStateVector(writer);
    nest(writer.getXmlFragment(CONTENT_FIELD), 0, 'First, never sent.');
    const middle = Y.encodeStateVector(writer);
    nest(writer.getXmlFragment(CONTENT_FIELD), 0, 'Second, on top of it.');
    return { first: Y.encodeStateAsUpdate(writer, start), second: Y.encodeStateAsUpdate(writer, middle) };
  }

  it('CLOSE-7 refuses an update whose earlier structs under its client id never came (4422), and keeps no pending structs', async () => {
    const { room } = makeRoom();
    const mallory = await connected(room, 'mallory');
    const { second } = secondOfTwo(room.liveDoc);

    expect(refusal(() => room.receive(mallory, updateMessage(second)))).toMatchObject({
      code: CloseCode.UpdateRefused,
    });
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('CLOSE-7 refuses an update placed after another writer’s words that nobody sent', async () => {
    const { room } = makeRoom();
    const mallory = await connected(room, 'mallory');
    const other = copyOf(room.liveDoc);
    nest(other.getXmlFragment(CONTENT_FIELD), 0, 'Never sent.');
    const update = updateOn(other, (_doc, fragment) => {
      ((fragment.get(2) as Y.XmlElement).get(0) as Y.XmlText).insert(11, ' Placed after it.');
    });

    expect(refusal(() => room.receive(mallory, updateMessage(update)))).toMatchObject({
      code: CloseCode.UpdateRefused,
    });
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('CLOSE-7 refuses a deletion of content nobody has, and keeps no pending delete set', async () => {
    const { room } = makeRoom();
    const mallory = await connected(room, 'mallory');
    const other = copyOf(room.liveDoc);
    nest(other.getXmlFragment(CONTENT_FIELD), 0, 'Never sent.');
    const deletion = updateOn(other, (_doc, fragment) => fragment.delete(2, 1));

    expect(refusal(() => room.receive(mallory, updateMessage(deletion)))).toMatchObject({
      code: CloseCode.UpdateRefused,
    });
    expect(room.doc.store.pendingDs).toBeNull();
  });

  it('CLOSE-7 keeps nothing of 30 such updates: the saved state stays the size it was', async () => {
    const { room, saves } = makeRoom();
    const tom = await connected(room, 'tom');
    tom.write('One real edit.');
    await settle([tom]);
    await room.flush();
    const before = saves.at(-1)?.length ?? 0;
    for (let i = 0; i < 30; i++) {
      const mallory = await connected(room, `mallory-${i}`);
      const { second } = secondOfTwo(room.liveDoc);
      expect(refusal(() => room.receive(mallory, updateMessage(second)))).toBeDefined();
    }
    tom.write('Another.');
    await settle([tom]);
    await room.flush();

    expect((saves.at(-1)?.length ?? 0) - before).toBeLessThan(100);
    const newcomer = await connected(room, 'newcomer');
    expect(newcomer.doc.store.pendingStructs).toBeNull();
  });

  it('opens no change-log burst for a refused update', async () => {
    const draft = new RecordedDraft();
    drafts.push(draft);
    await draft.open('# Plan\n\nThe first words.\n');
    const mallory = await draft.editor('Mallory');
    const { second } = secondOfTwo(draft.room.liveDoc);
    const deep = updateOn(draft.room.liveDoc, (_doc, fragment) => nest(fragment, 6000));

    for (const update of [second, deep]) {
      expect(refusal(() => draft.room.receive(mallory, updateMessage(update)))).toMatchObject({
        code: CloseCode.UpdateRefused,
      });
    }
    expect(draft.recorder.journal(draft.room).bursts).toEqual([]);
    expect(await draft.edits()).toEqual([]);
  });

  it('SAVE-8 merges a reconnecting client’s offline edits when it types before answering the server’s step 1', async () => {
    const { room } = makeRoom();
    const alice = await connected(room, 'alice');
    const tom = await connected(room, 'tom');
    alice.disconnect();
    alice.write('Written offline.');
    tom.write('Written meanwhile.');
    await settle([tom]);

    // On reconnecting, the stock client sends its step 1 and goes on sending each edit at once;
    // this one is on top of the offline edit the server has not seen yet.
    alice.connect();
    alice.write('Typed the moment it reconnected.');
    await settle([alice, tom]);

    expect(alice.closedWith).toBeUndefined();
    expect(tom.content).toBe(alice.content);
    for (const words of ['Written offline.', 'Written meanwhile.', 'Typed the moment it reconnected.']) {
      expect(room.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain(words);
    }
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('applies what a client’s answer to step 1 can place and drops what needs content nobody has (left by an older server)', async () => {
    const { room } = makeRoom();
    const alice = await connected(room, 'alice');
    alice.disconnect();
    // The tab holds an update an older server relayed, waiting for content that never came.
    Y.applyUpdate(alice.doc, secondOfTwo(alice.doc).second);
    expect(alice.doc.store.pendingStructs).not.toBeNull();
    alice.write('Written offline.');

    alice.connect();
    await settle([alice]);

    expect(alice.closedWith).toBeUndefined();
    expect(room.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('Written offline.');
    expect(room.doc.store.pendingStructs).toBeNull();
  });
});
