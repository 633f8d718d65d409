import type { Node as PMNode, NodeType } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import { canJoin, canSplit, findWrapping, liftTarget } from '@tiptap/pm/transform';
import { updateYFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { quoteOf, type TextQuote } from '../../shared/anchoring/anchor.ts';
import { BIND_LEFT, BIND_RIGHT, encodePosition, relativePositionAt } from '../../shared/anchoring/positions.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { contentSchema, locatePassage, markPassage, resolveAnchor, snapshot } from '../src/threads/passages.ts';

/*
 * Seeded random tests of the promise that a comment stays on its words (issue 4).
 *
 * Every character that can end up in the document has its own identity: the commented passages
 * are written in capitals that appear nowhere else, the rest of the fixture is lower case, and
 * every character typed during a run is a fresh code point never used before. So, after any mix
 * of concurrent edits, we know for each character of the converged document whether it belongs
 * to a passage: it does if it is one of the passage's original capitals, or if it was typed
 * strictly between two characters of the passage (where the editor gives typed text the mark).
 * That makes "resolves to what remains of it" precise: the thread's mark must cover exactly the
 * passage's surviving characters, and locatePassage must answer the text from the first of them
 * to the last, or `detached` when none survives. Whether characters survive is read from the
 * converged document, not predicted from the edits: under concurrency the binding re-creates a
 * block that one replica restructures, which drops another replica's concurrent typing in it and
 * undoes its concurrent deletions there, so the edit log alone cannot say what remains.
 */

const SERVER = Symbol('server');
const SEEDS = 200;

const T1 = 'ABCDEFGHIJKLMNOPQRST';
const T2 = 'PQRSTUVWXYZ'; // overlaps the end of T1
const FIXTURE = [
  '# the river path',
  '',
  'the council proposes a path along the river.',
  '',
  `we open with this ${T1}UVWXYZ and close with that.`,
  '',
  '## what changes',
  '',
  '- a wider bridge near the mill',
  '- lights along the north bank',
  '',
  '> the budget is set for next spring.',
  '',
  'comments are open until the end of june.',
  '',
].join('\n');

/** mulberry32: a tiny seeded PRNG, so every run of a seed makes the same edits. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T | undefined => items[int(items.length)],
  };
}
type Rand = ReturnType<typeof prng>;

interface Thread {
  id: string;
  quote: TextQuote;
  anchor: { start: string; end: string };
  /** The characters (each unique in the whole run) that belong to the passage. */
  members: Set<string>;
}

interface Replica {
  ydoc: Y.Doc;
  fragment: Y.XmlFragment;
}

/** Which edits a run may make to the passages' own characters. */
type Mode = 'outside' | 'partial' | 'delete-all' | 'any';

interface Run {
  rand: Rand;
  mode: Mode;
  threads: Thread[];
  replicas: Replica[];
  nextChar: number;
  log: string[];
}

const nodes = contentSchema.nodes;
function nodeType(name: string): NodeType {
  const type = nodes[name];
  if (!type) throw new Error(`no ${name} in the schema`);
  return type;
}

/** Every character of the document with its ProseMirror position. */
function characters(doc: PMNode): { ch: string; pos: number }[] {
  const out: { ch: string; pos: number }[] = [];
  doc.descendants((node, pos) => {
    if (node.isText && node.text) for (let i = 0; i < node.text.length; i++) out.push({ ch: node.text.charAt(i), pos: pos + i });
    return true;
  });
  return out;
}

/** Positions where text can go: inside each textblock, at each of its offsets. */
function textPositions(doc: PMNode): number[] {
  const out: number[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    for (let i = 0; i <= node.content.size; i++) out.push(pos + 1 + i);
    return false;
  });
  return out;
}

function memberPositions(doc: PMNode, thread: Thread): number[] {
  return characters(doc)
    .filter((c) => thread.members.has(c.ch))
    .map((c) => c.pos);
}

/** True when `pos` is between two characters of the passage in one textblock (typing there is inside). */
function strictlyInside(doc: PMNode, thread: Thread, pos: number): boolean {
  const $pos = doc.resolve(pos);
  if (!$pos.parent.isTextblock) return false;
  const before = $pos.nodeBefore?.text?.slice(-1);
  const after = $pos.nodeAfter?.text?.charAt(0);
  return !!before && !!after && thread.members.has(before) && thread.members.has(after);
}

function fresh(run: Run, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(0x4e00 + run.nextChar++);
  return text;
}

function isMember(run: Run, ch: string) {
  return run.threads.some((t) => t.members.has(ch));
}

/** Chars of `doc` between from and to that belong to a passage. */
function touchesMembers(run: Run, doc: PMNode, from: number, to: number) {
  return characters(doc).some((c) => c.pos >= from && c.pos < to && isMember(run, c.ch));
}

/** The textblock around `pos`: its start (before it) and end (after it) positions. */
function blockAround(doc: PMNode, pos: number) {
  const $pos = doc.resolve(pos);
  const depth = $pos.parent.isTextblock ? $pos.depth : $pos.depth + 1;
  return { start: $pos.before(depth), end: $pos.after(depth), depth, $pos };
}

type Edit = (run: Run, tr: Transaction) => string | undefined;

/** Where to aim: inside the first thread's passage (as this replica sees it) or anywhere. */
function target(run: Run, doc: PMNode): number[] {
  const thread = run.threads[0];
  const members = thread ? memberPositions(doc, thread) : [];
  return members.length > 0 && run.rand.chance(0.75) ? members : textPositions(doc);
}

const type: Edit = (run, tr) => {
  const doc = tr.doc;
  const candidates = textPositions(doc).filter(
    (pos) => run.mode !== 'outside' || !run.threads.some((t) => strictlyInside(doc, t, pos)),
  );
  // Half the time, aim near the passage.
  const first = memberPositions(doc, run.threads[0] as Thread)[0];
  const near =
    first === undefined ? candidates : candidates.filter((pos) => Math.abs(pos - first) < T1.length + 6);
  const pos = run.rand.pick(run.rand.chance(0.6) && near.length > 0 ? near : candidates);
  if (pos === undefined) return undefined;
  const text = fresh(run, 1 + run.rand.int(3));
  for (const thread of run.threads) {
    if (strictlyInside(doc, thread, pos)) for (const ch of text) thread.members.add(ch);
  }
  tr.insertText(text, pos);
  return `type ${text.length} at ${pos}`;
};

const remove: Edit = (run, tr) => {
  const doc = tr.doc;
  const positions = textPositions(doc);
  for (let attempt = 0; attempt < 20; attempt++) {
    const aims = target(run, doc);
    const a = run.rand.pick(aims);
    if (a === undefined) return undefined;
    const span = run.rand.chance(0.8) ? 1 + run.rand.int(6) : 1 + run.rand.int(30);
    const b = positions.find((p) => p >= a + span) ?? a + span;
    if (b > doc.content.size) continue;
    if (run.mode === 'outside' && touchesMembers(run, doc, a, b)) continue;
    if (run.mode === 'partial') {
      const thread = run.threads[0] as Thread;
      const all = memberPositions(doc, thread);
      if (all.length > 0 && all.every((p) => p >= a && p < b)) continue;
    }
    tr.delete(a, b);
    return `delete ${a}-${b}`;
  }
  return undefined;
};

const deleteAll: Edit = (run, tr) => {
  const members = memberPositions(tr.doc, run.threads[0] as Thread);
  const first = members[0];
  const last = members[members.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const margin = run.rand.int(3);
  const from = Math.max(0, first - margin);
  const to = Math.min(tr.doc.content.size, last + 1 + run.rand.int(3));
  tr.delete(from, to);
  return `delete the passage ${from}-${to}`;
};

/** A textblock to restructure: the one holding part of the passage, usually. */
function blockPos(run: Run, doc: PMNode): number | undefined {
  return run.rand.pick(target(run, doc));
}

const split: Edit = (run, tr) => {
  const pos = blockPos(run, tr.doc);
  if (pos === undefined) return undefined;
  const depth = run.rand.chance(0.3) ? 2 : 1;
  if (!canSplit(tr.doc, pos, depth)) return undefined;
  tr.split(pos, depth);
  return `split at ${pos} (depth ${depth})`;
};

const join: Edit = (run, tr) => {
  const pos = blockPos(run, tr.doc);
  if (pos === undefined) return undefined;
  const { start, depth, $pos } = blockAround(tr.doc, pos);
  if (canJoin(tr.doc, start)) {
    tr.join(start);
    return `join at ${start}`;
  }
  const range = $pos.blockRange();
  const lift = range && liftTarget(range);
  if (range && lift !== null && lift !== undefined && run.rand.chance(0.5)) {
    tr.lift(range, lift);
    return `lift ${start}`;
  }
  // Backspace at the start of a block after a list or quote: delete the boundary, let ProseMirror fit.
  const previous = textPositions(tr.doc).filter((p) => p < start);
  const end = previous[previous.length - 1];
  if (end === undefined || depth < 1) return undefined;
  tr.delete(end, start + 1);
  return `join across ${end}-${start + 1}`;
};

const heading: Edit = (run, tr) => {
  const pos = blockPos(run, tr.doc);
  if (pos === undefined) return undefined;
  if (run.rand.chance(0.25)) {
    tr.setBlockType(pos, pos, nodeType('paragraph'));
    return `paragraph at ${pos}`;
  }
  tr.setBlockType(pos, pos, nodeType('heading'), { level: 1 + run.rand.int(3) });
  return `heading at ${pos}`;
};

const wrap: Edit = (run, tr) => {
  const pos = blockPos(run, tr.doc);
  if (pos === undefined) return undefined;
  const range = tr.doc.resolve(pos).blockRange();
  const wrapper = nodeType(run.rand.chance(0.5) ? 'blockquote' : run.rand.pick(['bulletList', 'orderedList']) ?? 'bulletList');
  const wrapping = range && findWrapping(range, wrapper);
  if (!range || !wrapping) return undefined;
  tr.wrap(range, wrapping);
  return `wrap ${pos} in ${wrapper.name}`;
};

const move: Edit = (run, tr) => {
  const doc = tr.doc;
  const pos = blockPos(run, doc);
  if (pos === undefined) return undefined;
  // Move the top-level block holding pos to another top-level boundary.
  const $pos = doc.resolve(pos);
  const from = $pos.before(1);
  const block = doc.nodeAt(from);
  if (!block) return undefined;
  const boundaries: number[] = [];
  doc.forEach((_node, offset) => boundaries.push(offset));
  boundaries.push(doc.content.size);
  const to = run.rand.pick(boundaries.filter((b) => b !== from && b !== from + block.nodeSize));
  if (to === undefined) return undefined;
  tr.delete(from, from + block.nodeSize);
  tr.insert(tr.mapping.map(to), block);
  return `move ${from} to ${to}`;
};

const EDITS: Record<Mode, [Edit, number][]> = {
  outside: [
    [type, 4],
    [remove, 4],
    [split, 2],
    [join, 2],
    [heading, 1],
    [wrap, 1],
    [move, 1],
  ],
  partial: [
    [type, 3],
    [remove, 5],
    [split, 1],
    [join, 1],
    [heading, 1],
    [wrap, 1],
    [move, 1],
  ],
  'delete-all': [
    [type, 3],
    [remove, 3],
    [split, 1],
    [join, 1],
    [heading, 1],
    [wrap, 1],
    [move, 1],
  ],
  any: [
    [type, 3],
    [remove, 4],
    [deleteAll, 1],
    [split, 1],
    [join, 1],
    [heading, 1],
    [wrap, 1],
    [move, 1],
  ],
};

function pickEdit(run: Run): Edit {
  const table = EDITS[run.mode];
  let roll = run.rand.int(table.reduce((sum, [, w]) => sum + w, 0));
  for (const [edit, weight] of table) {
    roll -= weight;
    if (roll < 0) return edit;
  }
  return type;
}

/**
 * One edit on one replica, made the way the editor binding makes it: a ProseMirror transaction on
 * the replica's document, written back with updateYFragment. Steps ProseMirror refuses are skipped.
 */
function editOn(run: Run, replica: Replica, edit: Edit) {
  const { doc, meta } = snapshot(replica.fragment);
  const tr = EditorState.create({ doc }).tr;
  let what: string | undefined;
  try {
    what = edit(run, tr);
    tr.doc.check();
  } catch {
    return; // not a valid edit here; a user could not have made it
  }
  if (!what || !tr.docChanged) return;
  run.log.push(`${run.replicas.indexOf(replica)}: ${what}`);
  replica.ydoc.transact(() => updateYFragment(replica.ydoc, replica.fragment, tr.doc, meta));
}

function sync(from: Replica, to: Replica) {
  Y.applyUpdate(to.ydoc, Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc)));
}

function syncAll(replicas: Replica[]) {
  for (let round = 0; round < 2; round++) {
    for (const a of replicas) for (const b of replicas) if (a !== b) sync(a, b);
  }
}

/** The server's copy of the draft, with t1 (and maybe t2) marked as the server marks a new thread. */
function start(seed: number, mode: Mode): Run {
  const rand = prng(seed);
  const server = new Y.Doc();
  Y.applyUpdate(server, markdownToYjsState(FIXTURE));
  const fragment = server.getXmlFragment(CONTENT_FIELD);
  const threads: Thread[] = [];
  const specs = rand.chance(0.5) ? [['t1', T1] as const, ['t2', T2] as const] : [['t1', T1] as const];
  for (const [id, words] of specs) {
    const doc = snapshot(fragment).doc;
    const text = doc.textBetween(0, doc.content.size, '\n');
    const at = text.indexOf(words);
    const from = characters(doc).find((c) => c.ch === words.charAt(0))?.pos ?? -1;
    const range = { from, to: from + words.length };
    threads.push({
      id,
      quote: quoteOf(text, at, at + words.length),
      anchor: {
        start: encodePosition(relativePositionAt(fragment, range.from, BIND_RIGHT)),
        end: encodePosition(relativePositionAt(fragment, range.to, BIND_LEFT)),
      },
      members: new Set(words),
    });
    markPassage(server, fragment, id, range, SERVER);
  }
  const state = Y.encodeStateAsUpdate(server);
  const replicas = Array.from({ length: 2 + rand.int(2) }, () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, state);
    return { ydoc, fragment: ydoc.getXmlFragment(CONTENT_FIELD) };
  });
  return { rand, mode, threads, replicas, nextChar: 0, log: [] };
}

/** Concurrent edits with updates exchanged in a random order, some held back for several rounds. */
function play(run: Run) {
  const { rand, replicas } = run;
  const steps = 8 + rand.int(16);
  const deleter = rand.int(replicas.length);
  const deleteAt = rand.int(steps);
  for (let step = 0; step < steps; step++) {
    if (run.mode === 'delete-all' && step === deleteAt) {
      editOn(run, replicas[deleter] as Replica, deleteAll);
    } else if (rand.chance(0.6)) {
      editOn(run, rand.pick(replicas) as Replica, pickEdit(run));
    } else {
      const a = rand.pick(replicas) as Replica;
      const b = rand.pick(replicas.filter((r) => r !== a)) as Replica;
      sync(a, b);
      run.log.push(`sync ${replicas.indexOf(a)} -> ${replicas.indexOf(b)}`);
    }
    for (const replica of replicas) neverThrows(run, replica);
  }
  syncAll(replicas);
}

function neverThrows(run: Run, replica: Replica) {
  const doc = snapshot(replica.fragment).doc;
  for (const thread of run.threads) {
    const passage = resolveAnchor(replica.ydoc, replica.fragment, thread.anchor);
    if (passage) expect(passage.from).toBeLessThan(passage.to);
    locatePassage(doc, thread.id, thread.quote);
  }
}

/** What the converged document says about a thread: its surviving characters and the span they cover. */
function expected(doc: PMNode, thread: Thread) {
  const chars = characters(doc);
  const members = chars.filter((c) => thread.members.has(c.ch));
  const first = members[0];
  const last = members[members.length - 1];
  const marked = chars.filter((c) =>
    doc
      .resolve(c.pos + 1)
      .marks()
      .some((m) => m.type.name === 'comment' && m.attrs.threadId === thread.id),
  );
  return { members, marked, first, last };
}

function markedAt(doc: PMNode, pos: number, threadId: string) {
  const node = doc.nodeAt(pos);
  return !!node?.marks.some((m) => m.type.name === 'comment' && m.attrs.threadId === threadId);
}

function converged(run: Run): PMNode {
  const [first, ...rest] = run.replicas as [Replica, ...Replica[]];
  const json = snapshot(first.fragment).doc.toJSON();
  for (const replica of rest) {
    expect(replica.fragment.toString()).toBe(first.fragment.toString());
    expect(snapshot(replica.fragment).doc.toJSON()).toEqual(json);
  }
  const doc = snapshot(first.fragment).doc;
  doc.check();
  return doc;
}

/** The thread's mark covers exactly its surviving characters, and locatePassage says so. */
function checkThread(doc: PMNode, thread: Thread) {
  const chars = characters(doc);
  const survivors = chars.filter((c) => thread.members.has(c.ch)).map((c) => c.pos);
  const marked = chars.filter((c) => markedAt(doc, c.pos, thread.id)).map((c) => c.pos);
  expect(marked, 'the mark covers exactly what remains of the passage').toEqual(survivors);
  const location = locatePassage(doc, thread.id, thread.quote);
  const first = survivors[0];
  const last = survivors[survivors.length - 1];
  if (first === undefined || last === undefined) {
    expect(location).toEqual({ state: 'detached' });
    return location;
  }
  expect(location).toEqual({
    state: 'attached',
    from: first,
    to: last + 1,
    text: doc.textBetween(first, last + 1, '\n'),
  });
  return location;
}

function runSeed(seed: number, mode: Mode) {
  const run = start(seed, mode);
  play(run);
  const doc = converged(run);
  const locations = run.threads.map((thread) => checkThread(doc, thread));
  return { run, doc, locations };
}

describe('explore', () => {
  it('any', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const mode of ['outside', 'partial', 'delete-all', 'any'] as Mode[]) {
        try {
          runSeed(seed, mode);
        } catch (error) {
          failures.push(`${mode} ${seed}: ${(error as Error).message.split('\n').slice(0, 12).join(' | ')}`);
        }
      }
    }
    console.log(failures.length, '\n' + failures.slice(0, 30).join('\n'));
  });
});

describe('debug', () => {
  it('one', () => {
    const seed = Number(process.env.SEED);
    const mode = process.env.MODE as Mode;
    const run = start(seed, mode);
    const origEdit = editOn;
    void origEdit;
    play(run);
    console.log(run.log.join('\n'));
    console.log(run.threads.map((t) => `${t.id}: ${[...t.members].join('')}`).join('\n'));
    const doc = snapshot((run.replicas[0] as Replica).fragment).doc;
    console.log(JSON.stringify(doc.toJSON(), null, 1).slice(0, 6000));
    console.log((run.replicas[0] as Replica).fragment.toString());
  });
});
