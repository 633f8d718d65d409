import type { Node as PMNode } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import { findWrapping } from '@tiptap/pm/transform';
import { updateYFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { quoteOf, type TextQuote } from '../../shared/anchoring/anchor.ts';
import { locateAll } from '../../shared/anchoring/locate.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  encodePosition,
  relativePositionAt,
} from '../../shared/anchoring/positions.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { locatePassage, markPassage, resolveAnchor, snapshot } from '../src/passages/passages.ts';
import { editAsBinding, rangeOf } from './support/anchors.ts';
import {
  nodeType,
  prng,
  type Edit as SharedEdit,
  structuralEdits,
  textPositions,
} from './support/seededEdits.ts';

/*
 * Seeded random tests of issue 4's promise: a comment stays on its words while others edit.
 *
 * Every character that can end up in the document has an identity. The commented passages are
 * written in capitals found nowhere else in the fixture, and every character typed during a run
 * is a fresh code point. So after any mix of concurrent edits we know, for each character of the
 * converged document, whether it belongs to a passage: it does if it is one of the passage's own
 * capitals, or was typed strictly between two characters of the passage (where the editor gives
 * typed text the mark). That makes "resolves to what remains of it" precise: the thread's mark
 * covers what survives of its characters and nothing else, and locatePassage answers the text from
 * the first of them to the last (newlines where blocks were split), or `detached` when none is left.
 *
 * What survives is read from the converged document, not predicted from the edits: when one
 * replica restructures a block, the binding deletes it and inserts a copy, so another replica's
 * concurrent typing in it is dropped, its concurrent deletions there are undone, and two such
 * copies made concurrently both stay (y-prosemirror#161). Two allowances follow from how Yjs merges:
 * - a copy of the words made concurrently by two replicas may carry the mark on one copy only;
 * - text typed into a passage while another replica deletes all of it may lose the mark (Yjs drops
 *   the formatting markers around a fully deleted range), so typed characters need not be marked.
 * Seeds that still break the properties are listed in KNOWN_LIMITS and pinned below.
 */

const SEEDS = 200;
const SERVER = Symbol('server');
const T1 = 'ABCDEFGHIJKLMNOPQRST';
const T2 = 'PQRSTUVWXYZ'; // a second thread overlapping the end of the first
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

interface Thread {
  id: string;
  words: string;
  quote: TextQuote;
  anchor: { start: string; end: string };
  /** The characters (each unique in the run) that belong to the passage: its words, then typed ones. */
  members: Set<string>;
}

interface Replica {
  ydoc: Y.Doc;
  fragment: Y.XmlFragment;
}

/**
 * What the edits may do to the passages' own characters: `outside` never deletes them nor types
 * between them (structural edits still split, join, wrap and move them); `partial` deletes some
 * of t1's, never all at once; `delete-all` has one replica delete all of t1; `any` does anything.
 */
type Mode = 'outside' | 'partial' | 'delete-all' | 'any';

interface Run {
  rand: ReturnType<typeof prng>;
  mode: Mode;
  threads: Thread[];
  replicas: Replica[];
  typed: number;
  log: string[];
}

// --- The document as characters -------------------------------------------------------------

function characters(doc: PMNode): { ch: string; pos: number }[] {
  const out: { ch: string; pos: number }[] = [];
  doc.descendants((node, pos) => {
    const text = node.isText ? (node.text ?? '') : '';
    for (let i = 0; i < text.length; i++) out.push({ ch: text.charAt(i), pos: pos + i });
    return true;
  });
  return out;
}

function membersAt(doc: PMNode, thread: Thread): number[] {
  return characters(doc)
    .filter((c) => thread.members.has(c.ch))
    .map((c) => c.pos);
}

function markedWith(doc: PMNode, pos: number, threadId: string): boolean {
  return !!doc.nodeAt(pos)?.marks.some((m) => m.type.name === 'comment' && m.attrs.threadId === threadId);
}

/** Between two characters of the passage in one block: what the editor types there gets the mark. */
function strictlyInside(doc: PMNode, thread: Thread, pos: number): boolean {
  const $pos = doc.resolve(pos);
  const before = $pos.nodeBefore?.text?.slice(-1);
  const after = $pos.nodeAfter?.text?.charAt(0);
  return !!before && !!after && thread.members.has(before) && thread.members.has(after);
}

// --- Edits, each a ProseMirror transaction; they return what they did, or undefined -----------

type Edit = SharedEdit<Run>;

/** Usually somewhere in the first passage (as this replica sees it), otherwise anywhere. */
function aim(run: Run, doc: PMNode): number | undefined {
  const members = membersAt(doc, run.threads[0] as Thread);
  return run.rand.pick(members.length > 0 && run.rand.chance(0.75) ? members : textPositions(doc));
}

const { split, join, blockType, wrap } = structuralEdits<Run>(aim, 0.25);

const type: Edit = (run, tr) => {
  const doc = tr.doc;
  const allowed = textPositions(doc).filter(
    (pos) => run.mode !== 'outside' || !run.threads.some((t) => strictlyInside(doc, t, pos)),
  );
  const first = membersAt(doc, run.threads[0] as Thread)[0] ?? 0;
  const near = allowed.filter((pos) => Math.abs(pos - first) < T1.length + 6);
  const pos = run.rand.pick(run.rand.chance(0.6) && near.length > 0 ? near : allowed);
  if (pos === undefined) return undefined;
  let text = '';
  for (let n = 1 + run.rand.int(3); n > 0; n--) text += String.fromCharCode(0x4e00 + run.typed++);
  for (const thread of run.threads) {
    if (strictlyInside(doc, thread, pos)) for (const ch of text) thread.members.add(ch);
  }
  tr.insertText(text, pos);
  return `type ${text} at ${pos}`;
};

const remove: Edit = (run, tr) => {
  const doc = tr.doc;
  const positions = textPositions(doc);
  const ownChars = (from: number, to: number) =>
    characters(doc).filter(
      (c) => c.pos >= from && c.pos < to && run.threads.some((t) => t.members.has(c.ch)),
    );
  for (let attempt = 0; attempt < 20; attempt++) {
    const from = aim(run, doc);
    if (from === undefined) return undefined;
    const span = run.rand.chance(0.8) ? 1 + run.rand.int(6) : 1 + run.rand.int(30);
    const to = positions.find((p) => p >= from + span) ?? from + span;
    if (to > doc.content.size) continue;
    if (run.mode === 'outside' && ownChars(from, to).length > 0) continue;
    const all = membersAt(doc, run.threads[0] as Thread);
    if (run.mode === 'partial' && all.length > 0 && all.every((p) => p >= from && p < to)) continue;
    tr.delete(from, to);
    return `delete ${from}-${to}`;
  }
  return undefined;
};

const deleteAll: Edit = (run, tr) => {
  const members = membersAt(tr.doc, run.threads[0] as Thread);
  const first = members[0];
  const last = members[members.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const from = Math.max(0, first - run.rand.int(3));
  const to = Math.min(tr.doc.content.size, last + 1 + run.rand.int(3));
  tr.delete(from, to);
  return `delete the passage ${from}-${to}`;
};

/** Moves a top-level block: delete it, insert its copy at another top-level boundary. */
const move: Edit = (run, tr) => {
  const pos = aim(run, tr.doc);
  if (pos === undefined) return undefined;
  const from = tr.doc.resolve(pos).before(1);
  const block = tr.doc.nodeAt(from);
  if (!block) return undefined;
  const boundaries = [tr.doc.content.size];
  tr.doc.forEach((_node, offset) => {
    boundaries.push(offset);
  });
  const to = run.rand.pick(boundaries.filter((b) => b !== from && b !== from + block.nodeSize));
  if (to === undefined) return undefined;
  tr.delete(from, from + block.nodeSize);
  tr.insert(tr.mapping.map(to), block);
  return `move ${from} to ${to}`;
};

const STRUCTURAL: [Edit, number][] = [
  [split, 1],
  [join, 1],
  [blockType, 1],
  [wrap, 1],
  [move, 1],
];
const EDITS: Record<Mode, [Edit, number][]> = {
  outside: [[type, 4], [remove, 4], ...STRUCTURAL],
  partial: [[type, 3], [remove, 5], ...STRUCTURAL],
  'delete-all': [[type, 3], [remove, 3], ...STRUCTURAL],
  any: [[type, 3], [remove, 4], [deleteAll, 1], ...STRUCTURAL],
};

function pickEdit(run: Run): Edit {
  const table = EDITS[run.mode];
  let roll = run.rand.int(table.reduce((sum, [, weight]) => sum + weight, 0));
  for (const [edit, weight] of table) {
    roll -= weight;
    if (roll < 0) return edit;
  }
  return type;
}

/** One edit made the way the editor binding makes it; an edit ProseMirror refuses is skipped. */
function editOn(run: Run, replica: Replica, edit: Edit) {
  const { doc, meta } = snapshot(replica.fragment);
  const tr = EditorState.create({ doc }).tr;
  let what: string | undefined;
  try {
    what = edit(run, tr);
    tr.doc.check();
  } catch {
    return;
  }
  if (!what || !tr.docChanged) return;
  run.log.push(`replica ${run.replicas.indexOf(replica)}: ${what}`);
  replica.ydoc.transact(() => updateYFragment(replica.ydoc, replica.fragment, tr.doc, meta));
}

// --- Replicas ---------------------------------------------------------------------------------

function sync(from: Replica, to: Replica) {
  Y.applyUpdate(to.ydoc, Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc)));
}

/**
 * Exchanges updates until all replicas hold the same state. A replica may change its document on
 * receipt, which takes another round: Yjs tidies formatting markers that a remote change made
 * redundant, and the binding, reading a node that concurrent edits left outside the schema (a
 * list whose items were all joined away), deletes it, as every editor does when it renders.
 */
function settle(replicas: Replica[]) {
  for (let round = 0; round < 10; round++) {
    for (const a of replicas) for (const b of replicas) if (a !== b) sync(a, b);
    for (const replica of replicas) snapshot(replica.fragment);
    const [first, ...rest] = replicas.map((r) => Y.snapshot(r.ydoc));
    if (first && rest.every((other) => Y.equalSnapshots(first, other))) return;
  }
  throw new Error('the replicas did not converge in 10 rounds');
}

/** The server's copy of the draft, with each thread's passage marked as the server marks a new thread. */
function draft(withSecondThread: boolean): { state: Uint8Array; threads: Thread[] } {
  const server = new Y.Doc();
  server.clientID = 100; // fixed client ids: Yjs orders concurrent inserts at one place by client id
  Y.applyUpdate(server, markdownToYjsState(FIXTURE));
  const fragment = server.getXmlFragment(CONTENT_FIELD);
  const threads: Thread[] = [];
  for (const [id, words] of withSecondThread
    ? [['t1', T1] as const, ['t2', T2] as const]
    : [['t1', T1] as const]) {
    const doc = snapshot(fragment).doc;
    const text = doc.textBetween(0, doc.content.size, '\n');
    const from = characters(doc).find((c) => c.ch === words.charAt(0))?.pos ?? 0;
    const range = { from, to: from + words.length };
    const anchor = {
      start: encodePosition(relativePositionAt(fragment, range.from, BIND_RIGHT)),
      end: encodePosition(relativePositionAt(fragment, range.to, BIND_LEFT)),
    };
    const at = text.indexOf(words);
    threads.push({ id, words, quote: quoteOf(text, at, at + words.length), anchor, members: new Set(words) });
    markPassage(server, fragment, id, range, SERVER);
  }
  return { state: Y.encodeStateAsUpdate(server), threads };
}

function replicasOf(state: Uint8Array, count: number): Replica[] {
  return Array.from({ length: count }, (_, i) => {
    const ydoc = new Y.Doc();
    ydoc.clientID = i + 1;
    Y.applyUpdate(ydoc, state);
    return { ydoc, fragment: ydoc.getXmlFragment(CONTENT_FIELD) };
  });
}

/** t1 (and, for half the seeds, the overlapping t2) marked, handed to 2 or 3 replicas. */
function start(seed: number, mode: Mode): Run {
  const rand = prng(seed);
  const { state, threads } = draft(rand.chance(0.5));
  return { rand, mode, threads, replicas: replicasOf(state, 2 + rand.int(2)), typed: 0, log: [] };
}

/**
 * Concurrent edits, with updates between random pairs of replicas in between, so some changes
 * wait several rounds; then everyone syncs. After every step each replica resolves every thread.
 */
function play(seed: number, mode: Mode): { run: Run; doc: PMNode } {
  const run = start(seed, mode);
  const { rand, replicas } = run;
  const steps = 8 + rand.int(16);
  const deleter = replicas[rand.int(replicas.length)] as Replica;
  const deleteAt = rand.int(steps);
  for (let step = 0; step < steps; step++) {
    if (mode === 'delete-all' && step === deleteAt) editOn(run, deleter, deleteAll);
    else if (rand.chance(0.6)) editOn(run, rand.pick(replicas) as Replica, pickEdit(run));
    else {
      const a = rand.pick(replicas) as Replica;
      sync(a, rand.pick(replicas.filter((r) => r !== a)) as Replica);
    }
    for (const replica of replicas) resolveEverything(run, replica);
  }
  settle(replicas);
  return { run, doc: converged(run) };
}

/** Property 5: resolving never throws, and the one-walk locateAll agrees with locatePassage. */
function resolveEverything(run: Run, replica: Replica) {
  const doc = snapshot(replica.fragment).doc;
  const all = locateAll(doc, run.threads);
  for (const thread of run.threads) {
    const passage = resolveAnchor(replica.ydoc, replica.fragment, thread.anchor);
    if (passage) expect(passage.from).toBeLessThan(passage.to);
    expect(all.get(thread.id)).toEqual(locatePassage(doc, thread.id, thread.quote));
  }
}

/** Property 1: every replica holds the same document, and it fits the schema. */
function converged(run: Run): PMNode {
  const [first, ...rest] = run.replicas as [Replica, ...Replica[]];
  const doc = snapshot(first.fragment).doc;
  for (const replica of rest) {
    expect(replica.fragment.toString()).toBe(first.fragment.toString());
    expect(snapshot(replica.fragment).doc.toJSON()).toEqual(doc.toJSON());
  }
  doc.check();
  return doc;
}

// --- What remains of a passage ------------------------------------------------------------------

/** What the converged document holds of a thread's passage. */
function remains(doc: PMNode, thread: Thread) {
  const chars = characters(doc);
  const own = chars.filter((c) => thread.members.has(c.ch));
  const words = own.filter((c) => thread.words.includes(c.ch));
  const first = words[0];
  const last = words[words.length - 1];
  const between = first && last ? doc.textBetween(first.pos, last.pos + 1, '\n').replaceAll('\n', '') : '';
  return {
    own,
    words,
    marked: chars.filter((c) => markedWith(doc, c.pos, thread.id)),
    copied: new Set(words.map((c) => c.ch)).size < words.length,
    /** All its words, once each, nothing but block breaks between them: untouched, as far as the result shows. */
    intact: between === thread.words,
  };
}

/**
 * Properties 2 to 4 in one: the mark is on no character outside the passage and on every word of
 * it that survives (on one copy at least), and locatePassage answers the span from the first
 * marked character to the last, or detached when nothing of the passage is marked. Returns what
 * is wrong, for the seed's report.
 */
function problems(doc: PMNode, thread: Thread): string[] {
  const { own, words, marked } = remains(doc, thread);
  const wrong: string[] = [];
  const stray = marked.filter((c) => !thread.members.has(c.ch));
  if (stray.length > 0) wrong.push(`marked outside the passage: ${stray.map((c) => c.ch).join('')}`);
  const markedChars = new Set(marked.map((c) => c.ch));
  const unmarked = [...new Set(words.map((c) => c.ch))].filter((ch) => !markedChars.has(ch));
  if (unmarked.length > 0) wrong.push(`surviving words without the mark: ${unmarked.join('')}`);
  const first = marked[0];
  const last = marked[marked.length - 1];
  const expected =
    first && last
      ? {
          state: 'attached',
          from: first.pos,
          to: last.pos + 1,
          text: doc.textBetween(first.pos, last.pos + 1, '\n'),
        }
      : { state: 'detached' };
  const location = locatePassage(doc, thread.id, thread.quote);
  if (JSON.stringify(location) !== JSON.stringify(expected)) {
    wrong.push(`located ${JSON.stringify(location)}, expected ${JSON.stringify(expected)}`);
  }
  if (own.length === 0 && location.state !== 'detached') wrong.push('nothing is left, yet not detached');
  return wrong;
}

/**
 * Runs `seeds` and returns the ones that break the properties, with what broke; `extra` adds a
 * property of its own for one mode. Exceptions (convergence, schema, resolving) fail at once.
 */
function sweep(mode: Mode, extra: (doc: PMNode, thread: Thread) => string[] = () => []) {
  const failures = new Map<number, string>();
  const outcomes: ReturnType<typeof remains>[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { run, doc } = play(seed, mode);
    const report = run.threads.flatMap((thread) =>
      [...problems(doc, thread), ...extra(doc, thread)].map((p) => `${thread.id}: ${p}`),
    );
    outcomes.push(remains(doc, run.threads[0] as Thread));
    if (report.length > 0) failures.set(seed, [...report, ...run.log].join('\n  '));
  }
  return { failures, outcomes };
}

/** Seeds (of SEEDS) that break a property today, each pinned below with its cause. */
const KNOWN_LIMITS: Record<Exclude<Mode, 'any'>, number[]> = {
  outside: [],
  partial: [84, 86, 99],
  'delete-all': [129, 197],
};

function expectOnlyKnown(mode: Exclude<Mode, 'any'>, failures: Map<number, string>) {
  const unexpected = [...failures].filter(([seed]) => !KNOWN_LIMITS[mode].includes(seed));
  expect(unexpected.map(([seed, why]) => `seed ${seed}:\n  ${why}`).join('\n')).toBe('');
  expect([...failures.keys()], 'a known limit no longer fails: unpin it').toEqual(KNOWN_LIMITS[mode]);
}

describe('anchored passages under concurrent edits (seeded, 2–3 replicas)', () => {
  it('converge to one valid document and resolve without throwing, whatever the edits', () => {
    // play() checks convergence and the schema after each seed, and resolves after each step.
    for (let seed = 1; seed <= SEEDS; seed++) play(seed, 'any');
  });

  it('ANCHOR-1 an untouched passage resolves to exactly its words', () => {
    const { failures, outcomes } = sweep('outside', (doc, thread) => {
      // Concurrent splits and moves can still copy the words, lose some, or put text between
      // them; what is left then is held to "what remains" like any other passage.
      if (!remains(doc, thread).intact) return [];
      const location = locatePassage(doc, thread.id, thread.quote);
      const text = location.state === 'detached' ? '' : location.text.replaceAll('\n', '');
      return location.state === 'attached' && text === thread.words ? [] : [`not exactly its words: ${text}`];
    });
    expectOnlyKnown('outside', failures);
    expect(outcomes.filter((o) => o.intact).length).toBeGreaterThan(SEEDS / 3);
  });

  it('ANCHOR-2 a partly edited passage resolves to what remains of it', () => {
    const { failures, outcomes } = sweep('partial');
    expectOnlyKnown('partial', failures);
    const partly = outcomes.filter((o) => o.words.length > 0 && o.words.length < T1.length);
    expect(partly.length).toBeGreaterThan(SEEDS / 2);
  });

  it('ANCHOR-3 a fully deleted passage reports detached', () => {
    const { failures, outcomes } = sweep('delete-all');
    expectOnlyKnown('delete-all', failures);
    // A deletion concurrent with a restructure of the same block is undone (the binding's copy
    // brings the words back); those runs are held to "what remains" instead.
    expect(outcomes.filter((o) => o.own.length === 0).length).toBeGreaterThan(SEEDS / 3);
  });
});

describe('anchored passages through the structural edits of issue 4 (named examples)', () => {
  const heading = nodeType('heading');
  const wrapIn = (name: string) => (tr: Transaction, doc: PMNode) => {
    const range = doc.resolve(rangeOf(doc, T1).from).blockRange();
    const wrapping = range && findWrapping(range, nodeType(name));
    if (!range || !wrapping) throw new Error(`cannot wrap in ${name}`);
    tr.wrap(range, wrapping);
  };
  const EXAMPLES: [string, (tr: Transaction, doc: PMNode) => void][] = [
    ['its paragraph is split just before it', (tr, doc) => tr.split(rangeOf(doc, T1).from - 1)],
    ['its paragraph is split inside it', (tr, doc) => tr.split(rangeOf(doc, T1).from + 8)],
    [
      'its paragraph is joined with the previous one',
      (tr, doc) => tr.join(doc.resolve(rangeOf(doc, T1).from).before()),
    ],
    [
      'its paragraph becomes a heading',
      (tr, doc) => {
        const at = rangeOf(doc, T1).from;
        tr.setBlockType(at, at, heading, { level: 2 });
      },
    ],
    ['its paragraph is wrapped in a quote', wrapIn('blockquote')],
    ['its paragraph is wrapped in a bullet list', wrapIn('bulletList')],
    [
      'its paragraph is moved below the list',
      (tr, doc) => {
        const from = doc.resolve(rangeOf(doc, T1).from).before(1);
        const block = doc.nodeAt(from);
        let below = 0;
        doc.forEach((node, offset) => {
          if (node.type.name === 'bulletList') below = offset + node.nodeSize;
        });
        if (!block || below === 0) throw new Error('no paragraph or no list');
        tr.delete(from, from + block.nodeSize).insert(tr.mapping.map(below), block);
      },
    ],
  ];

  /** Both threads on both replicas: attached, on exactly their words (split adds a newline). */
  function expectOnTheirWords(replicas: Replica[], threads: Thread[]) {
    settle(replicas);
    for (const replica of replicas) {
      const doc = snapshot(replica.fragment).doc;
      for (const thread of threads) {
        const location = locatePassage(doc, thread.id, thread.quote);
        expect(location.state).toBe('attached');
        if (location.state === 'attached') expect(location.text.replaceAll('\n', '')).toBe(thread.words);
      }
    }
  }

  it.each(EXAMPLES)('ANCHOR-1 keeps two overlapping passages on their words when %s', (_name, change) => {
    const { state, threads } = draft(true);
    const [a, b] = replicasOf(state, 2) as [Replica, Replica];
    editAsBinding(a.ydoc, a.fragment, change);
    expectOnTheirWords([a, b], threads);
  });

  it.each(EXAMPLES)(
    'keeps two overlapping passages on their words when %s while another replica types before them',
    (_name, change) => {
      const { state, threads } = draft(true);
      const [a, b] = replicasOf(state, 2) as [Replica, Replica];
      editAsBinding(a.ydoc, a.fragment, change);
      editAsBinding(b.ydoc, b.fragment, (tr, doc) =>
        tr.insertText('we said: ', rangeOf(doc, 'we open').from),
      );
      expectOnTheirWords([a, b], threads);
    },
  );
});

describe('pinned seeds', () => {
  const holds = (seed: number, mode: Mode) => {
    const { run, doc } = play(seed, mode);
    const wrong = run.threads.flatMap((thread) => problems(doc, thread).map((p) => `${thread.id}: ${p}`));
    expect(wrong).toEqual([]);
  };

  it('writes overlapping marks so that a later edit in their paragraph leaves their formatting alone', () => {
    const { state } = draft(true);
    const [replica] = replicasOf(state, 1) as [Replica];
    let update: Uint8Array | undefined;
    replica.ydoc.on('update', (bytes: Uint8Array) => {
      update = bytes;
    });
    editAsBinding(replica.ydoc, replica.fragment, (tr, doc) =>
      tr.insertText('so ', rangeOf(doc, 'we open').from),
    );
    // Only the typed text: no formatting markers rewritten (a rewrite is what races other edits).
    const { structs, ds } = Y.decodeUpdate(update ?? new Uint8Array());
    expect(structs.map((s) => (s instanceof Y.Item ? s.content.constructor.name : 'GC'))).toEqual([
      'ContentString',
    ]);
    expect(ds.clients.size).toBe(0);
  });

  // Fixed by dropping the redundant formatting markers markPassage used to leave where t1 and t2 meet.
  it('keeps the mark on every word of an overlapping passage that two replicas split at once (seed 637)', () =>
    holds(637, 'outside'));
  it('keeps an overlapping thread on its remaining words when the other passage is deleted concurrently (seed 103)', () =>
    holds(103, 'delete-all'));

  // Known limits (KNOWN_LIMITS): the binding writes overlapping marks with markers that cancel out;
  // the next client to edit the paragraph rewrites them, and when that rewrite meets a concurrent
  // deletion of the passage's end, the marker that ended the second thread is gone and its mark
  // runs on over the following words. `it.fails` turns red once this is fixed: unpin it then.
  it.fails.each([
    [84, 'partial'],
    [86, 'partial'],
    [99, 'partial'],
    [129, 'delete-all'],
    [197, 'delete-all'],
  ] as const)(
    'known limit: an overlapping mark can run past its words after concurrent deletions (seed %i, %s)',
    (seed, mode) => holds(seed, mode),
  );
});
