import type { NodeType, Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { canJoin, canSplit, findWrapping, liftTarget } from '@tiptap/pm/transform';
import { contentSchema } from '../../src/passages/passages.ts';

/*
 * What the seeded property tests share: a tiny PRNG and the structural edits people make (split,
 * join, change a block's type, wrap), as ProseMirror transactions. Each edit draws from the run's
 * PRNG in a fixed order, so a seed always replays the same edits; change that order and every
 * pinned seed means something else.
 */

export type Rand = ReturnType<typeof prng>;

/** mulberry32: a tiny seeded PRNG, so a seed always makes the same edits. */
export function prng(seed: number) {
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
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]) => items[int(items.length)],
  };
}

export function nodeType(name: string): NodeType {
  const type = contentSchema.nodes[name];
  if (!type) throw new Error(`no ${name} in the schema`);
  return type;
}

/** Every position inside a text block (where a caret can be). */
export function textPositions(doc: PMNode): number[] {
  const out: number[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    for (let i = 0; i <= node.content.size; i++) out.push(pos + 1 + i);
    return false;
  });
  return out;
}

/** An edit on a run: what it did (for the seed's log), or undefined when it did not apply. */
export type Edit<R> = (run: R, tr: Transaction) => string | undefined;

/**
 * Split, join, block type and wrap, each at a position `aim` picks. `paragraphChance` is how often
 * a block-type change makes a paragraph rather than a heading.
 */
export function structuralEdits<R extends { rand: Rand }>(
  aim: (run: R, doc: PMNode) => number | undefined,
  paragraphChance: number,
) {
  const split: Edit<R> = (run, tr) => {
    const pos = aim(run, tr.doc);
    const depth = run.rand.chance(0.3) ? 2 : 1; // 2 splits a list item
    if (pos === undefined || !canSplit(tr.doc, pos, depth)) return undefined;
    tr.split(pos, depth);
    return `split at ${pos}`;
  };

  const join: Edit<R> = (run, tr) => {
    const pos = aim(run, tr.doc);
    if (pos === undefined) return undefined;
    const $pos = tr.doc.resolve(pos);
    const start = $pos.before($pos.depth);
    if (canJoin(tr.doc, start)) {
      tr.join(start);
      return `join at ${start}`;
    }
    const range = $pos.blockRange();
    const target = range && liftTarget(range);
    if (range && typeof target === 'number' && run.rand.chance(0.5)) {
      tr.lift(range, target);
      return `lift at ${pos}`;
    }
    // Backspace at the start of a block after a list or quote: delete the boundary, ProseMirror fits.
    const end = textPositions(tr.doc)
      .filter((p) => p < start)
      .pop();
    if (end === undefined) return undefined;
    tr.delete(end, start + 1);
    return `join across ${end}-${start + 1}`;
  };

  const blockType: Edit<R> = (run, tr) => {
    const pos = aim(run, tr.doc);
    if (pos === undefined) return undefined;
    if (run.rand.chance(paragraphChance)) {
      tr.setBlockType(pos, pos, nodeType('paragraph'));
      return `paragraph at ${pos}`;
    }
    const level = 1 + run.rand.int(3);
    tr.setBlockType(pos, pos, nodeType('heading'), { level });
    return `heading ${level} at ${pos}`;
  };

  const wrap: Edit<R> = (run, tr) => {
    const pos = aim(run, tr.doc);
    const range = pos === undefined ? null : tr.doc.resolve(pos).blockRange();
    const wrapper = nodeType(
      run.rand.pick(['blockquote', 'bulletList', 'orderedList'] as const) ?? 'blockquote',
    );
    const wrapping = range && findWrapping(range, wrapper);
    if (!range || !wrapping) return undefined;
    tr.wrap(range, wrapping);
    return `wrap ${pos} in ${wrapper.name}`;
  };

  return { split, join, blockType, wrap };
}
