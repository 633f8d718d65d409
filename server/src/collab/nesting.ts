import * as Y from 'yjs';

// Walks over a Yjs document that hold however deep it nests. Updates that would nest deeper than
// `Limits.maxNestingDepth` are refused (updateCheck.ts), but a draft stored before that limit may
// nest thousands deep, and Yjs' own recursive walks (toJSON, toString, deleting a type, garbage
// collecting it) and the ProseMirror binding overflow the stack on it. These are loops.

/** Any Yjs type (`Y.AbstractType<any>`, named without `any`). */
type YType = Y.ContentType['type'];

/** A top-level part of a document that nests deeper than the limit. */
export interface OverDeepPart {
  /** The root type it is in (`default` for the draft's text). */
  root: string;
  /** Its place among the root's children that are not deleted; undefined for a deleted part. */
  index: number | undefined;
  /** How deep its deepest type is, counted from the root (the root's children are at 1). */
  depth: number;
  /** The start of its text, to recognise it by. */
  preview: string;
}

interface Options {
  /** Skip what is deleted (what readers see); by default deleted types count too (what Yjs walks). */
  visibleOnly?: boolean;
  /** Stop counting past this depth. */
  cap?: number;
}

/** The items directly under `type`: its list, then its map entries with their overwritten values. */
function* childItems(type: YType, visibleOnly: boolean): Generator<Y.Item> {
  for (let item = type._start; item !== null; item = item.right) {
    if (!visibleOnly || !item.deleted) yield item;
  }
  for (const last of type._map.values()) {
    for (let item: Y.Item | null = last; item !== null; item = item.left) {
      if (!visibleOnly || !item.deleted) yield item;
    }
  }
}

function childTypes(type: YType, visibleOnly: boolean): YType[] {
  const types: YType[] = [];
  for (const item of childItems(type, visibleOnly)) {
    if (item.content instanceof Y.ContentType) types.push(item.content.type);
  }
  return types;
}

/** How many levels of types `type` holds below itself (0 for none), up to `cap` + 1. */
export function nestingBelow(type: YType, options: Options = {}): number {
  const { visibleOnly = false, cap = Number.POSITIVE_INFINITY } = options;
  let deepest = 0;
  const stack: { type: YType; depth: number }[] = [{ type, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    deepest = Math.max(deepest, next.depth);
    if (next.depth > cap) break;
    for (const child of childTypes(next.type, visibleOnly))
      stack.push({ type: child, depth: next.depth + 1 });
  }
  return deepest;
}

/** The top-level parts of `doc` (in any root) that nest deeper than `limit`, deleted ones included. */
export function overDeepParts(doc: Y.Doc, limit: number): OverDeepPart[] {
  const parts: OverDeepPart[] = [];
  for (const [root, type] of doc.share) {
    let index = 0;
    for (const item of childItems(type, false)) {
      if (!(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      const depth = 1 + nestingBelow(child);
      if (depth > limit) {
        const preview = textBlocksOf(child).join(' ').replace(/\s+/g, ' ').trim().slice(0, 60);
        parts.push({ root, index: item.deleted ? undefined : index, depth, preview });
      }
      if (!item.deleted && item.parentSub === null) index++;
    }
  }
  return parts;
}

/**
 * The text of each element under `type` (itself included) that holds text directly, in document
 * order; a `hardBreak` element is a line break. What is deleted is left out.
 */
export function textBlocksOf(type: YType): string[] {
  const blocks: string[] = [];
  const stack: YType[] = [type];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next instanceof Y.XmlText) {
      blocks.push(plainText(next));
      continue;
    }
    let text: string | undefined;
    const nested: YType[] = [];
    for (const child of childTypes(next, true)) {
      if (child instanceof Y.XmlText) text = (text ?? '') + plainText(child);
      else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') text = `${text ?? ''}\n`;
      else nested.push(child);
    }
    if (text !== undefined) blocks.push(text);
    // Pushed in reverse, so they come off the stack in document order.
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i] as YType);
  }
  return blocks;
}

function plainText(text: Y.XmlText): string {
  return (text.toDelta() as { insert: unknown }[])
    .map(({ insert }) => (typeof insert === 'string' ? insert : ''))
    .join('');
}

/**
 * Repairs `doc`: every top-level part nesting deeper than `limit` is removed, and in the draft's
 * text (an `XmlFragment` root) its text is kept as paragraphs in its place. Returns what it repaired.
 *
 * Yjs deletes a type by deleting its children first, recursively, and garbage-collects it the
 * same way, so a part thousands deep is taken apart from its deepest level up, one level per
 * transaction: each level's children are already gone when it is deleted and collected.
 */
export function flattenOverDeep(
  doc: Y.Doc,
  limit: number,
  paragraph = 'paragraph',
): { parts: OverDeepPart[]; paragraphs: number } {
  const parts = overDeepParts(doc, limit);
  let paragraphs = 0;
  if (parts.length === 0) return { parts, paragraphs };
  for (const [, root] of doc.share) {
    const deepItems: Y.Item[] = [];
    for (const item of childItems(root, false)) {
      if (item.content instanceof Y.ContentType && 1 + nestingBelow(item.content.type) > limit) {
        deepItems.push(item);
      }
    }
    for (const item of deepItems) {
      const type = (item.content as Y.ContentType).type;
      if (root instanceof Y.XmlFragment && !item.deleted) {
        const kept = textBlocksOf(type)
          .filter((text) => text.trim() !== '')
          .map((text) => {
            const element = new Y.XmlElement(paragraph);
            element.insert(0, [new Y.XmlText(text)]);
            return element;
          });
        doc.transact(() => root.insert(indexOf(root, item) + 1, kept));
        paragraphs += kept.length;
      }
      removeFromTheBottom(doc, item);
    }
  }
  return { parts, paragraphs };
}

/** The index `item` has among `list`'s children that are not deleted. */
function indexOf(list: Y.XmlFragment, item: Y.Item): number {
  let index = 0;
  for (let at = list._start; at !== null && at !== item; at = at.right) {
    if (!at.deleted && at.countable) index += at.length;
  }
  return index;
}

/**
 * Levels taken apart in one transaction: Yjs recurses through at most these when it collects
 * them, and each transaction climbs to the root once (fewer, larger transactions are faster).
 */
const LEVELS_AT_ONCE = 200;

/** Deletes and garbage-collects `top` and everything under it, deepest levels first. */
function removeFromTheBottom(doc: Y.Doc, top: Y.Item): void {
  const levels: Y.Item[][] = [];
  const stack: { item: Y.Item; depth: number }[] = [{ item: top, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { item, depth } = next;
    const level = levels[depth] ?? [];
    level.push(item);
    levels[depth] = level;
    if (item.content instanceof Y.ContentType) {
      for (const child of childItems(item.content.type, false)) stack.push({ item: child, depth: depth + 1 });
    }
  }
  for (let bottom = levels.length; bottom > 0; bottom -= LEVELS_AT_ONCE) {
    const chunk = levels.slice(Math.max(0, bottom - LEVELS_AT_ONCE), bottom).reverse();
    doc.transact((transaction) => {
      for (const level of chunk) for (const item of level) if (!item.deleted) item.delete(transaction);
    });
    // What was deleted before (kept for a change-log burst, say) is collected here, also from the bottom.
    const deleted = Y.createDeleteSet();
    for (const level of chunk) {
      for (const item of level) {
        const ranges = deleted.clients.get(item.id.client) ?? [];
        ranges.push({ clock: item.id.clock, len: item.length });
        deleted.clients.set(item.id.client, ranges);
      }
    }
    if (doc.gc) Y.tryGc(Y.mergeDeleteSets([deleted]), doc.store, () => true);
  }
}
