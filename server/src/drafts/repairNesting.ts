import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { Limits } from '../../../shared/protocol.ts';
import { flattenOverDeep, type OverDeepPart, overDeepParts } from '../collab/nesting.ts';
import { dropPending } from '../collab/updateCheck.ts';

/** What `repairNesting` found in a stored state, and the repaired state if it changed anything. */
export interface NestingRepair {
  /** Top-level parts that nested deeper than `Limits.maxNestingDepth`. */
  parts: OverDeepPart[];
  /** Bytes of updates that waited for content nobody has (pending structs and deletions), dropped. */
  droppedBytes: number;
  /** Paragraphs now holding the text of the parts that were removed. */
  paragraphs: number;
  /** The repaired state; undefined when there was nothing to repair. */
  state: Uint8Array | undefined;
}

/**
 * Repairs a draft stored before updates were checked (issue 12): each top-level block that nests
 * deeper than the limit becomes paragraphs of its text, in its place, and what waited for content
 * nobody has is dropped. The document keeps its history (the new paragraphs are new items, the
 * block's items are deleted and collected), so open tabs and the change log's journal still fit.
 *
 * Applying such a state can itself overflow the stack (Yjs deletes recursively, and the stored
 * state may hold a deleted part thousands deep): `repair-draft` runs this with a large stack.
 */
export function repairNesting(stored: Uint8Array, limit = Limits.maxNestingDepth): NestingRepair {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, stored);
    // A root read from an update is a bare type until asked for as what it is: the draft's text is
    // an XmlFragment, into which the over-deep blocks' text is put back as paragraphs.
    doc.getXmlFragment(CONTENT_FIELD);
    const droppedBytes = dropPending(doc);
    const { parts, paragraphs } = flattenOverDeep(doc, limit);
    const changed = parts.length > 0 || droppedBytes > 0;
    return { parts, droppedBytes, paragraphs, state: changed ? Y.encodeStateAsUpdate(doc) : undefined };
  } finally {
    doc.destroy();
  }
}

/** What `repairNesting` would find, without changing anything. */
export function nestingProblems(stored: Uint8Array, limit = Limits.maxNestingDepth) {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, stored);
    return { parts: overDeepParts(doc, limit), droppedBytes: dropPending(doc) };
  } finally {
    doc.destroy();
  }
}
