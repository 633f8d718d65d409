import type { Node as PMNode } from '@tiptap/pm/model';
import { diffArrays, diffWordsWithSpace } from 'diff';
import type { DiffBlock } from '../../../shared/versions.ts';

interface Block {
  type: string;
  level?: number;
  text: string;
  section: string | null;
}

/** The text blocks of a document in order, each with the heading it is under. */
function blocksOf(doc: PMNode): Block[] {
  const blocks: Block[] = [];
  let section: string | null = null;
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    if (node.type.name === 'heading') section = node.textContent;
    const level = typeof node.attrs.level === 'number' ? node.attrs.level : undefined;
    blocks.push({ type: node.type.name, level, text: node.textContent, section });
    return false;
  });
  return blocks;
}

/**
 * Compares two versions block by block, then word by word inside blocks that changed: the text
 * of the newer one with insertions and deletions marked.
 */
export function compareDocs(older: PMNode, newer: PMNode): DiffBlock[] {
  const before = blocksOf(older);
  const after = blocksOf(newer);
  const out: DiffBlock[] = [];
  let removed: Block[] = [];
  const flushRemoved = () => {
    for (const block of removed) {
      out.push({
        kind: 'removed',
        type: block.type,
        level: block.level,
        section: block.section,
        parts: [{ value: block.text, removed: true }],
      });
    }
    removed = [];
  };
  for (const change of diffArrays(before, after, {
    comparator: (a, b) => a.text === b.text && a.type === b.type,
  })) {
    if (change.removed) {
      removed.push(...change.value);
      continue;
    }
    if (change.added) {
      // Removed blocks followed by added ones are the same blocks, edited: compare them word by word.
      for (const block of change.value) {
        const old = removed.shift();
        if (old) {
          out.push({
            kind: 'changed',
            type: block.type,
            level: block.level,
            section: block.section,
            parts: diffWordsWithSpace(old.text, block.text).map(({ value, added, removed: gone }) => ({
              value,
              ...(added ? { added: true } : {}),
              ...(gone ? { removed: true } : {}),
            })),
          });
        } else {
          out.push({
            kind: 'added',
            type: block.type,
            level: block.level,
            section: block.section,
            parts: [{ value: block.text, added: true }],
          });
        }
      }
      flushRemoved();
      continue;
    }
    flushRemoved();
    for (const block of change.value) {
      out.push({
        kind: 'same',
        type: block.type,
        level: block.level,
        section: block.section,
        parts: [{ value: block.text }],
      });
    }
  }
  flushRemoved();
  return out;
}
