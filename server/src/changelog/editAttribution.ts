import * as Y from 'yjs';
import type { TextChange } from '../../../shared/changelog.ts';
import { Limits } from '../../../shared/protocol.ts';

// Walks go no deeper than `Limits.maxNestingDepth`: no update may nest deeper, and a draft stored
// before the limit (thousands deep) would overflow the stack; what lies below is left out.
const MAX_DEPTH = Limits.maxNestingDepth;

/** A Yjs delete set (the class is not exported by name). */
export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/**
 * What one person did in a burst, by Yjs item ids: everything written under their client ids
 * since each client's clock at the start of the burst, and the items their own updates deleted.
 * Item ids carry their author, so this is exact however the edits were made (typing, a paste of
 * many paragraphs, a split, a whole block replaced) and whoever else edited the same words.
 */
export interface BurstScope {
  /** Client id → its clock when the burst began. */
  clients: ReadonlyMap<number, number>;
  /** Sorted and merged (`Y.mergeDeleteSets`), as `Y.isDeleted` needs. */
  deletes: DeleteSet;
}

/** Which element names are text blocks (paragraph, heading, code block…). */
export type IsTextBlock = (nodeName: string) => boolean;

/** A block as one view (before or after) sees it. */
interface Side {
  name: string;
  attrs: string;
  text: string;
  /** The heading it is under in that view (itself, for a heading). */
  section: string | null;
}

interface Block {
  before: Side | undefined;
  after: Side | undefined;
}

/**
 * The text blocks the person changed, in document order, each with its text as it was without
 * their edits (`before`) and with them (`after`): before hides what they inserted and shows what
 * they deleted; after shows what they inserted (even if someone else deleted it since) and hides
 * what they deleted. Other people's words are context on both sides, never a change of theirs.
 *
 * Reads deleted items' content, so the document must not have garbage-collected what the person
 * deleted, nor what they inserted and someone else deleted (see `RetainedDeletions`).
 */
export function burstChanges(
  fragment: Y.XmlFragment,
  scope: BurstScope,
  isTextBlock: IsTextBlock,
): TextChange[] {
  const inserted = (client: number, clock: number) => {
    const start = scope.clients.get(client);
    return start !== undefined && clock >= start;
  };
  const deleted = (client: number, clock: number) => Y.isDeleted(scope.deletes, Y.createID(client, clock));
  const view: View = {
    before: (item: Y.Item, offset = 0) => {
      const { client, clock } = item.id;
      return !inserted(client, clock + offset) && (!item.deleted || deleted(client, clock + offset));
    },
    after: (item: Y.Item, offset = 0) => {
      const { client, clock } = item.id;
      return !deleted(client, clock + offset) && (!item.deleted || inserted(client, clock + offset));
    },
    written: (item: Y.Item, offset = 0) => {
      const { client, clock } = item.id;
      return inserted(client, clock + offset) && !deleted(client, clock + offset);
    },
    // A block someone else removed still shows what this person did inside it: the words they
    // deleted from it before (in before) and the words they wrote into it (in after).
    beforeHolds: (item: Y.Item) =>
      item.deleted && !inserted(item.id.client, item.id.clock) && holds(item, deleted),
    afterHolds: (item: Y.Item) =>
      item.deleted && !deleted(item.id.client, item.id.clock) && holds(item, inserted),
  };
  const blocks: Block[] = [];
  const sections = { before: null as string | null, after: null as string | null };

  const walk = (type: Y.XmlFragment, inBefore: boolean, inAfter: boolean, depth: number) => {
    if (depth >= MAX_DEPTH) return;
    for (let item = type._start; item !== null; item = item.right) {
      if (!(item.content instanceof Y.ContentType)) continue;
      const b = inBefore && (view.before(item) || view.beforeHolds(item));
      const a = inAfter && (view.after(item) || view.afterHolds(item));
      if (!b && !a) continue;
      const child = item.content.type;
      if (!(child instanceof Y.XmlElement)) continue;
      if (isTextBlock(child.nodeName)) {
        const block = textBlock(child, b, a, view, depth + 1);
        const heading = child.nodeName === 'heading';
        if (block.before) {
          if (heading) sections.before = block.before.text;
          block.before.section = sections.before;
        }
        if (block.after) {
          if (heading) sections.after = block.after.text;
          block.after.section = sections.after;
        }
        blocks.push(block);
      } else {
        walk(child, b, a, depth + 1);
      }
    }
  };
  walk(fragment, true, true, 0);
  return pairChanges(blocks);
}

interface View {
  before: (item: Y.Item, offset?: number) => boolean;
  after: (item: Y.Item, offset?: number) => boolean;
  /** What the person wrote and still has (in a block they added, nothing else is theirs to show). */
  written: (item: Y.Item, offset?: number) => boolean;
  /** A removed container that holds something of this person's, for each view. */
  beforeHolds: (item: Y.Item) => boolean;
  afterHolds: (item: Y.Item) => boolean;
}

/** Whether any item under a container item (its own content, recursively) is one `mine` picks. */
function holds(item: Y.Item, mine: (client: number, clock: number) => boolean, depth = 1): boolean {
  if (!(item.content instanceof Y.ContentType) || depth >= MAX_DEPTH) return false;
  const type = item.content.type;
  for (let child = type._start; child !== null; child = child.right) {
    for (let i = 0; i < child.length; i++) if (mine(child.id.client, child.id.clock + i)) return true;
    if (holds(child, mine, depth + 1)) return true;
  }
  for (const entry of type._map.values()) if (mine(entry.id.client, entry.id.clock)) return true;
  return false;
}

function textBlock(
  element: Y.XmlElement,
  inBefore: boolean,
  inAfter: boolean,
  view: View,
  elementDepth: number,
): Block {
  const text = { before: '', after: '' };
  // A block this person added shows only their own words: what others typed into it since is
  // theirs, and would otherwise read as this person's (the block has no before to cancel it).
  const after = inBefore ? view.after : view.written;
  const collect = (type: Y.XmlElement | Y.XmlText, b: boolean, a: boolean, depth: number) => {
    if (depth >= MAX_DEPTH) return;
    for (let item = type._start; item !== null; item = item.right) {
      const content = item.content;
      if (content instanceof Y.ContentString) {
        // An item may hold characters from before and within the burst (typing merges them).
        for (let i = 0; i < content.str.length; i++) {
          if (b && view.before(item, i)) text.before += content.str[i];
          if (a && after(item, i)) text.after += content.str[i];
        }
      } else if (content instanceof Y.ContentType) {
        const ib = b && (view.before(item) || view.beforeHolds(item));
        const ia = a && (view.after(item) || view.afterHolds(item));
        const child = content.type;
        if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') {
          if (ib) text.before += '\n';
          if (ia) text.after += '\n';
        } else if ((ib || ia) && (child instanceof Y.XmlElement || child instanceof Y.XmlText)) {
          collect(child, ib, ia, depth + 1);
        }
      }
    }
  };
  collect(element, inBefore, inAfter, elementDepth);
  const attrs = (which: 'before' | 'after') => JSON.stringify(attributesIn(element, view[which]));
  return {
    before: inBefore
      ? { name: element.nodeName, attrs: attrs('before'), text: text.before, section: null }
      : undefined,
    after: inAfter
      ? { name: element.nodeName, attrs: attrs('after'), text: text.after, section: null }
      : undefined,
  };
}

/** The element's attributes as one view sees them (a key's older values are to the left of its newest). */
function attributesIn(element: Y.XmlElement, visible: (item: Y.Item) => boolean): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const key of [...element._map.keys()].sort()) {
    for (let item = element._map.get(key) ?? null; item !== null; item = item.left) {
      if (!visible(item)) continue;
      const values = item.content.getContent();
      attrs[key] = values[values.length - 1];
      break;
    }
  }
  return attrs;
}

/**
 * One change per block that changed. Blocks are compared by their words, not their item ids: the
 * binding often moves words into a new block (a split keeps the first half in the old block and
 * writes the rest anew), so within each run of changed blocks a block-level diff finds the words
 * that only moved, and what is left pairs up as replacements (a paragraph rewritten, made a
 * heading, moved into a list) or stands alone as added or removed.
 */
function pairChanges(blocks: Block[]): TextChange[] {
  const changes: TextChange[] = [];
  let run: Block[] = [];
  const flushRun = () => {
    const before = run.flatMap((block) => (block.before ? [block.before] : []));
    const after = run.flatMap((block) => (block.after ? [block.after] : []));
    run = [];
    let removed: Side[] = [];
    let added: Side[] = [];
    const pairUp = () => {
      for (let i = 0; i < Math.max(removed.length, added.length); i++) {
        const gone = removed[i];
        const come = added[i];
        if (!gone?.text && !come?.text && (!gone || !come)) continue; // an empty paragraph added or removed
        changes.push({
          section: come?.section ?? gone?.section ?? null,
          before: gone?.text ?? '',
          after: come?.text ?? '',
        });
      }
      removed = [];
      added = [];
    };
    for (const step of diffSides(before, after)) {
      if (step.kind === 'same') pairUp();
      else if (step.kind === 'removed') removed.push(step.side);
      else added.push(step.side);
    }
    pairUp();
  };
  for (const block of blocks) {
    const { before, after } = block;
    if (before && after && sameSide(before, after)) flushRun();
    else run.push(block);
  }
  flushRun();
  return changes;
}

type Step = { kind: 'same' | 'removed' | 'added'; side: Side };

/** A longest-common-subsequence diff of two lists of blocks (small lists: the blocks of one run). */
function diffSides(before: Side[], after: Side[]): Step[] {
  const n = before.length;
  const m = after.length;
  if (n * m > 4_000_000) {
    return [
      ...before.map((side) => ({ kind: 'removed' as const, side })),
      ...after.map((side) => ({ kind: 'added' as const, side })),
    ];
  }
  // lengths[i][j]: the LCS of before[i..] and after[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lengths[i] as Uint32Array;
      const below = lengths[i + 1] as Uint32Array;
      row[j] = sameSide(before[i] as Side, after[j] as Side)
        ? (below[j + 1] ?? 0) + 1
        : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const b = before[i];
    const a = after[j];
    if (b && a && sameSide(b, a)) {
      steps.push({ kind: 'same', side: a });
      i++;
      j++;
    } else if (b && (!a || (lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))) {
      steps.push({ kind: 'removed', side: b });
      i++;
    } else if (a) {
      steps.push({ kind: 'added', side: a });
      j++;
    }
  }
  return steps;
}

function sameSide(a: Side, b: Side): boolean {
  return a.text === b.text && a.name === b.name && a.attrs === b.attrs;
}
