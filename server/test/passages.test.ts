import type { Node as PMNode } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import { updateYFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { locateAll } from '../../shared/anchoring/locate.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  encodePosition,
  relativePositionAt,
} from '../../shared/anchoring/positions.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import {
  contentSchema,
  findQuote,
  locatePassage,
  markPassage,
  resolveAnchor,
  snapshot,
  unmarkPassage,
} from '../src/passages/passages.ts';

const SENTENCE = 'Every contribution gets a published answer.';
const SERVER = Symbol('server');

function draft(markdown: string) {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, markdownToYjsState(markdown));
  return { ydoc, fragment: ydoc.getXmlFragment(CONTENT_FIELD) };
}

/** Positions of `words` in the current document (first occurrence, within one block). */
function rangeOf(doc: PMNode, words: string): { from: number; to: number } {
  let found: { from: number; to: number } | undefined;
  doc.descendants((node, pos) => {
    if (found) return false;
    if (!node.isTextblock) return true;
    const at = node.textContent.indexOf(words);
    if (at >= 0) found = { from: pos + 1 + at, to: pos + 1 + at + words.length };
    return false;
  });
  if (!found) throw new Error(`"${words}" is not in the document`);
  return found;
}

/** Edits the shared document the way the editor binding does: a ProseMirror transaction, written back. */
function edit(ydoc: Y.Doc, fragment: Y.XmlFragment, change: (tr: Transaction, doc: PMNode) => void) {
  const { doc, meta } = snapshot(fragment);
  const tr = EditorState.create({ doc }).tr;
  change(tr, doc);
  ydoc.transact(() => updateYFragment(ydoc, fragment, tr.doc, meta));
}

function anchorFor(fragment: Y.XmlFragment, words: string) {
  const { doc } = snapshot(fragment);
  const { from, to } = rangeOf(doc, words);
  return {
    start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    range: { from, to },
  };
}

function commented(markdown: string, words: string) {
  const { ydoc, fragment } = draft(markdown);
  const anchor = anchorFor(fragment, words);
  markPassage(ydoc, fragment, 't1', anchor.range, SERVER);
  return { ydoc, fragment, anchor };
}

const quote = { exact: SENTENCE, prefix: 'We listen. ', suffix: ' Then we decide.' };
const where = (fragment: Y.XmlFragment) => locatePassage(snapshot(fragment).doc, 't1', quote);

describe('anchoring a passage', () => {
  it('resolves a fresh anchor to exactly the selected words', () => {
    const { ydoc, fragment } = draft(`# Title\n\nWe listen. ${SENTENCE} Then we decide.\n`);
    const anchor = anchorFor(fragment, SENTENCE);
    expect(resolveAnchor(ydoc, fragment, anchor)?.text).toBe(SENTENCE);
  });

  it('ANCHOR-1 does not grow when someone types right before or right after the passage', () => {
    const { ydoc, fragment } = commented(`We listen. ${SENTENCE} Then we decide.\n`, SENTENCE);
    edit(ydoc, fragment, (tr, doc) => {
      const { from, to } = rangeOf(doc, SENTENCE);
      tr.insertText('AFTER', to).insertText('BEFORE', from);
    });
    // The binding rewrites the text around a mark (delete + insert), so the relative positions
    // may die here; the mark is what keeps the passage.
    expect(where(fragment)).toMatchObject({ state: 'attached', text: SENTENCE });
  });

  it('keeps relative-position ends bound inwards while the text is not rewritten', () => {
    const { ydoc, fragment } = draft(`We listen. ${SENTENCE} Then we decide.\n`);
    const anchor = anchorFor(fragment, SENTENCE);
    // Plain Yjs inserts at both edges, as a remote peer's keystrokes arrive.
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const start = text.toString().indexOf(SENTENCE);
    text.insert(start + SENTENCE.length, 'AFTER');
    text.insert(start, 'BEFORE');
    expect(resolveAnchor(ydoc, fragment, anchor)?.text).toBe(SENTENCE);
  });

  it('ANCHOR-1 keeps its words when the paragraph is split just before it and turned into a heading', () => {
    const { ydoc, fragment } = commented(`We listen. ${SENTENCE} Then we decide.\n`, SENTENCE);
    edit(ydoc, fragment, (tr, doc) => tr.split(rangeOf(doc, SENTENCE).from));
    edit(ydoc, fragment, (tr, doc) => {
      const at = rangeOf(doc, SENTENCE).from;
      const heading = contentSchema.nodes.heading;
      if (!heading) throw new Error('no heading');
      tr.setBlockType(at, at, heading, { level: 2 });
    });
    const doc = snapshot(fragment).doc;
    expect(doc.child(1).type.name).toBe('heading');
    expect(where(fragment)).toMatchObject({ state: 'attached', text: SENTENCE });
  });

  it('ANCHOR-2 keeps what remains when part of the passage is deleted', () => {
    const { ydoc, fragment } = commented(`We listen. ${SENTENCE} Then we decide.\n`, SENTENCE);
    edit(ydoc, fragment, (tr, doc) => {
      const { from } = rangeOf(doc, 'Every ');
      tr.delete(from, from + 'Every '.length);
    });
    expect(where(fragment)).toMatchObject({
      state: 'attached',
      text: 'contribution gets a published answer.',
    });
  });

  it('ANCHOR-3 reports a passage whose words were all deleted as detached', () => {
    const { ydoc, fragment } = commented(`We listen. ${SENTENCE} Then we decide.\n`, SENTENCE);
    edit(ydoc, fragment, (tr, doc) => {
      const { from, to } = rangeOf(doc, SENTENCE);
      tr.delete(from, to);
    });
    expect(where(fragment)).toEqual({ state: 'detached' });
  });

  it('ANCHOR-1 lets two threads overlap, each keeping its own passage', () => {
    const { ydoc, fragment } = draft(`We listen. ${SENTENCE} Then we decide.\n`);
    const { doc } = snapshot(fragment);
    markPassage(ydoc, fragment, 'a', rangeOf(doc, 'Every contribution gets'), SERVER);
    markPassage(ydoc, fragment, 'b', rangeOf(snapshot(fragment).doc, 'gets a published answer'), SERVER);
    const now = snapshot(fragment).doc;
    expect(locatePassage(now, 'a', quote)).toMatchObject({ text: 'Every contribution gets' });
    expect(locatePassage(now, 'b', quote)).toMatchObject({ text: 'gets a published answer' });
  });

  it('removes only its own mark when a thread is deleted', () => {
    const { ydoc, fragment } = commented(`We listen. ${SENTENCE} Then we decide.\n`, SENTENCE);
    markPassage(ydoc, fragment, 't2', rangeOf(snapshot(fragment).doc, 'published'), SERVER);
    unmarkPassage(ydoc, fragment, 't1', SERVER);
    const doc = snapshot(fragment).doc;
    expect(locatePassage(doc, 't1', { exact: 'zzz', prefix: '', suffix: '' })).toEqual({ state: 'detached' });
    expect(locatePassage(doc, 't2', quote)).toMatchObject({ text: 'published' });
  });

  it('ANCHOR-4 finds a quote again by its context, and not the same words elsewhere', () => {
    const { fragment } = draft(`Answer. We listen. ${SENTENCE} Then we decide.\n\n${SENTENCE}\n`);
    const doc = snapshot(fragment).doc;
    const found = findQuote(doc, quote);
    expect(found?.text).toBe(SENTENCE);
    expect(found?.from).toBe(rangeOf(doc, `listen. ${SENTENCE}`).from + 'listen. '.length);
    expect(findQuote(doc, { exact: SENTENCE, prefix: '', suffix: '' })).toBeUndefined();
  });

  it('refuses an anchor whose positions are not Yjs positions', () => {
    const { ydoc, fragment } = draft('Some text.\n');
    expect(resolveAnchor(ydoc, fragment, { start: 'AAAA', end: 'AAAA' })).toBeUndefined();
  });
});

describe('locating every thread at once', () => {
  it('agrees with locating each thread alone', () => {
    const { ydoc, fragment } = draft(`We listen. ${SENTENCE} Then we decide.\n\nAnother paragraph here.\n`);
    markPassage(ydoc, fragment, 'a', rangeOf(snapshot(fragment).doc, 'Every contribution gets'), SERVER);
    markPassage(ydoc, fragment, 'b', rangeOf(snapshot(fragment).doc, 'gets a published answer'), SERVER);
    markPassage(ydoc, fragment, 'c', rangeOf(snapshot(fragment).doc, 'Another'), SERVER);
    edit(ydoc, fragment, (tr, doc) => {
      const { from, to } = rangeOf(doc, 'Another');
      tr.delete(from, to);
    });
    const doc = snapshot(fragment).doc;
    const gone = { exact: 'Another', prefix: '', suffix: ' paragraph here.' };
    const threads = ['a', 'b', 'd'].map((id) => ({ id, quote })).concat({ id: 'c', quote: gone });
    const all = locateAll(doc, threads);
    for (const thread of threads)
      expect(all.get(thread.id)).toEqual(locatePassage(doc, thread.id, thread.quote));
    expect(all.get('c')).toEqual({ state: 'detached' });
  });
});
