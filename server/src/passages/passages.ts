import { getSchema } from '@tiptap/core';
import { Node as PMNode, type Schema } from '@tiptap/pm/model';
import { EditorState } from '@tiptap/pm/state';
import { initProseMirrorDoc, relativePositionToAbsolutePosition, updateYFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import {
  type AnchorMark,
  COMMENT_MARK,
  markedRanges,
  type Passage,
} from '../../../shared/anchoring/locate.ts';
import { decodePosition } from '../../../shared/anchoring/positions.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { Limits } from '../../../shared/protocol.ts';
import { nestingBelow, textBlocksOf } from '../collab/nesting.ts';
import { ServiceError } from '../serviceError.ts';

/** The editor's schema, as the server sees the document. */
export const contentSchema: Schema = getSchema(contentExtensions());

export type Snapshot = ReturnType<typeof initProseMirrorDoc> & {
  /** Some blocks nest deeper than `Limits.maxNestingDepth`: they are read as their text, and nothing may be written. */
  overDeep: boolean;
};

/**
 * The document in `fragment` as ProseMirror sees it, with the binding's mapping. The binding
 * builds it recursively, so a top-level block nesting deeper than the limit (only in a draft
 * stored before the limit) is read as one paragraph of its text instead: threads, suggestions
 * and exports still answer, with positions inside that block lost, until an admin repairs it.
 */
export function snapshot(fragment: Y.XmlFragment, schema: Schema = contentSchema): Snapshot {
  const blocks = fragment.toArray();
  const overDeep = new Set(blocks.filter(isOverDeep));
  if (overDeep.size === 0) return { ...initProseMirrorDoc(fragment, schema), overDeep: false };
  // The binding reads only `toArray()` of the fragment it is given: hand it the other blocks.
  const shallow = { toArray: () => blocks.filter((block) => !overDeep.has(block)) };
  const built = initProseMirrorDoc(shallow as unknown as Y.XmlFragment, schema);
  const nodes: PMNode[] = [];
  for (const block of blocks) {
    let node = built.mapping.get(block);
    if (overDeep.has(block)) {
      const text = textBlocksOf(block).join(' ').replace(/\s+/g, ' ').trim();
      node = schema.nodes.paragraph?.create(null, text ? schema.text(text) : null);
      if (node) built.mapping.set(block, node);
    }
    if (node instanceof PMNode) nodes.push(node);
  }
  return { ...built, doc: schema.topNodeType.create(null, nodes), overDeep: true };
}

function isOverDeep(block: Y.XmlElement | Y.XmlText | Y.XmlHook): boolean {
  const cap = Limits.maxNestingDepth;
  return 1 + nestingBelow(block, { visibleOnly: true, cap }) > cap;
}

/** `snapshot`, for writing back into the live document: refused for a draft that must be repaired first. */
export function writableSnapshot(fragment: Y.XmlFragment, schema: Schema = contentSchema): Snapshot {
  const taken = snapshot(fragment, schema);
  if (taken.overDeep) {
    throw new ServiceError(
      ErrorCode.DraftNeedsRepair,
      `Part of this draft nests deeper than ${Limits.maxNestingDepth} levels, so it cannot be changed here until an administrator repairs it (npm run repair-draft).`,
    );
  }
  return taken;
}

/** Resolves a client's anchor against the live document; undefined if an end no longer resolves or it is empty. */
export function resolveAnchor(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  anchor: Pick<Anchor, 'start' | 'end'>,
  schema: Schema = contentSchema,
): Passage | undefined {
  const range = resolveRange(ydoc, fragment, anchor, schema);
  return range && range.from < range.to ? range : undefined;
}

/** Where an anchor's two relative positions are now (a point is allowed); undefined if either is lost. */
export function resolveRange(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  anchor: Pick<Anchor, 'start' | 'end'>,
  schema: Schema = contentSchema,
): Passage | undefined {
  const start = decodePosition(anchor.start);
  const end = decodePosition(anchor.end);
  if (!start || !end) return undefined;
  // Resolving a position rooted in a top-level type the document lacks would create that type in it.
  if ([start, end].some(({ tname }) => tname !== null && !ydoc.share.has(tname))) return undefined;
  const { doc, mapping } = snapshot(fragment, schema);
  // The binding answers null (or, in TipTap's wrappers, 0) for positions whose items are gone.
  const from = relativePositionToAbsolutePosition(ydoc, fragment, start, mapping);
  const to = relativePositionToAbsolutePosition(ydoc, fragment, end, mapping);
  if (from === null || to === null || from > to || to > doc.content.size) return undefined;
  return { from, to, text: doc.textBetween(from, to, '\n') };
}

/**
 * The passage a new thread or suggestion names, checked against the live text: both ends must
 * resolve and the words between them must be the quote. An empty quote names a point (a suggested
 * insertion), which must be inside a paragraph or heading. A ServiceError a person can act on otherwise.
 */
export function checkedPassage(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  anchor: Pick<Anchor, 'start' | 'end'> & { quote: { exact: string } },
): Passage {
  writableSnapshot(fragment); // a thread or suggestion on a draft its mark could not be written into is refused first
  const passage = resolveRange(ydoc, fragment, anchor);
  const insertion = anchor.quote.exact === '';
  if (!passage || (insertion ? passage.from !== passage.to : passage.from >= passage.to)) {
    throw new ServiceError(
      ErrorCode.AnchorInvalid,
      'The selected passage is no longer in the draft (it was just edited). Select it again.',
    );
  }
  if (passage.text !== anchor.quote.exact) {
    throw new ServiceError(
      ErrorCode.AnchorInvalid,
      'The selected text does not match the draft (it was just edited). Select it again.',
    );
  }
  if (insertion && !snapshot(fragment).doc.resolve(passage.from).parent.isTextblock) {
    throw new ServiceError(
      ErrorCode.AnchorInvalid,
      'Place the caret inside the text to suggest an insertion.',
    );
  }
  return passage;
}

/**
 * Puts the thread's comment mark (or a suggestion's mark) on `from`–`to` of the live document, in
 * one Yjs transaction whose origin tells the change log this is not an edit.
 */
export function markPassage(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  threadId: string,
  range: { from: number; to: number },
  origin: unknown,
  kind: AnchorMark = COMMENT_MARK,
  schema: Schema = contentSchema,
): void {
  const markType = schema.marks[kind.mark];
  if (!markType) throw new Error(`the schema has no ${kind.mark} mark`);
  ydoc.transact(() => {
    const clockBefore = Y.getState(ydoc.store, ydoc.clientID);
    const { doc, meta } = writableSnapshot(fragment, schema);
    const mark = markType.create({ [kind.attr]: threadId });
    const tr = EditorState.create({ doc }).tr.addMark(range.from, range.to, mark);
    updateYFragment(ydoc, fragment, tr.doc, meta);
    dropRedundantMarkers(ydoc, clockBefore);
  }, origin);
}

/** Removes a thread's (or suggestion's) mark wherever it is (a decided suggestion must not leave one). */
export function unmarkPassage(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  threadId: string,
  origin: unknown,
  kind: AnchorMark = COMMENT_MARK,
  schema: Schema = contentSchema,
): void {
  ydoc.transact(() => {
    const clockBefore = Y.getState(ydoc.store, ydoc.clientID);
    const { doc, meta } = writableSnapshot(fragment, schema);
    const tr = EditorState.create({ doc }).tr;
    for (const range of markedRanges(doc, threadId, kind)) {
      for (const mark of range.marks) tr.removeMark(range.from, range.to, mark);
    }
    if (tr.docChanged) updateYFragment(ydoc, fragment, tr.doc, meta);
    dropRedundantMarkers(ydoc, clockBefore);
  }, origin);
}

/**
 * Deletes the Yjs formatting markers written since `clockBefore` that change nothing.
 *
 * The binding writes marks as Y.Text formatting run by run, so where marks meet or overlap (two
 * threads, a thread over bold text) it leaves markers that cancel out, such as "t2 off, t1 off,
 * t2 on" between two characters. Yjs 13 does not tidy them when they are written, so the next
 * client to edit that paragraph rewrites them (new markers in, old ones out), and that rewrite,
 * merged with a concurrent edit, can end a thread's mark early and the passage loses its words
 * (anchoring.property.test.ts, seeds 637 and 103). Markers made and deleted in the same
 * transaction are never seen by anyone, so removing them adds no race of its own.
 */
export function dropRedundantMarkers(ydoc: Y.Doc, clockBefore: number): void {
  const isNew = (item: Y.Item) => item.id.client === ydoc.clientID && item.id.clock >= clockBefore;
  const texts = new Set<Y.XmlText>();
  const structs = ydoc.store.clients.get(ydoc.clientID) ?? [];
  for (let i = structs.length - 1; i >= 0; i--) {
    const struct = structs[i];
    if (!struct || struct.id.clock + struct.length <= clockBefore) break;
    if (
      struct instanceof Y.Item &&
      struct.content instanceof Y.ContentFormat &&
      struct.parent instanceof Y.XmlText
    ) {
      texts.add(struct.parent);
    }
  }
  ydoc.transact((transaction) => {
    for (const text of texts) {
      const inEffect = new Map<string, unknown>();
      let item = text._start;
      while (item) {
        // The markers between two visible characters: only the last one per key can matter.
        const markers = new Map<string, Y.Item[]>();
        while (item && (item.deleted || !item.countable)) {
          if (!item.deleted && item.content instanceof Y.ContentFormat) {
            const key = item.content.key;
            markers.set(key, [...(markers.get(key) ?? []), item]);
          }
          item = item.right;
        }
        for (const [key, list] of markers) {
          const last = list[list.length - 1] as Y.Item;
          const value = (last.content as Y.ContentFormat).value;
          const restates = sameValue(inEffect.get(key), value) && list.every(isNew);
          for (const marker of list) {
            if ((marker !== last || restates) && isNew(marker)) marker.delete(transaction);
          }
          inEffect.set(key, value);
        }
        item = item?.right ?? null;
      }
    }
  });
}

/** Attribute values are plain JSON (mark attrs), and each marker holds its own copy of them. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The text of the last heading before `pos`, if any: the section a passage is in. */
export function sectionAt(doc: PMNode, pos: number): string | null {
  let section: string | null = null;
  doc.descendants((node, at) => {
    if (at >= pos) return false;
    if (node.type.name === 'heading') section = node.textContent;
    return !node.isTextblock;
  });
  return section;
}

export {
  findMarkedPassage,
  findQuote,
  type Location,
  locatePassage,
  type Passage,
} from '../../../shared/anchoring/locate.ts';
