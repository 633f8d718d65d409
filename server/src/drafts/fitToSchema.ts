import type { JSONContent } from '@tiptap/core';
import { Fragment, type Mark, type Node, type NodeType, type Schema } from '@tiptap/pm/model';
import { Limits } from '../../../shared/protocol.ts';

// The Markdown parser can hand back JSON the editor's schema cannot hold: a node type the schema
// does not have, text directly in the document (a paragraph holding only an image), a list item
// without a paragraph (a task list). `Node.fromJSON` + `check()` refuses the whole draft for one
// of those (`RangeError: Invalid content for node doc`); this builds what fits and lets the rest
// degrade to its text, so that one unsupported construct never costs a whole draft.

/** Tells what had to be degraded, in words a person importing a draft can act on. */
export type Warn = (message: string) => void;

/** `json` as a document of `schema`: what the schema cannot hold is kept as its text, and told to `warn`. */
export function fitToSchema(schema: Schema, json: JSONContent, warn: Warn): Node {
  const top = schema.topNodeType;
  const content = fitChildren(
    schema,
    top,
    (json.content ?? []).flatMap((c) => build(schema, c, warn)),
    warn,
  );
  // createAndFill adds what the content expression requires: an empty body gets one empty paragraph.
  const doc =
    attempt(() => top.createChecked(null, content)) ?? attempt(() => top.createAndFill(null, content));
  if (!doc) throw new Error('the document could not be built from its Markdown');
  doc.check();
  return withinNestingLimit(schema, doc, warn);
}

/**
 * `doc` with every top-level block that nests deeper than `Limits.maxNestingDepth` (block quotes
 * in block quotes…) replaced by paragraphs of its text: the server refuses such nesting from
 * editors, and an imported draft must not bring it in. (What `npm run repair-draft` does to a
 * stored draft.) Walked with a stack: the input may nest as deep as the Markdown parser went.
 */
function withinNestingLimit(schema: Schema, doc: Node, warn: Warn): Node {
  const paragraph = schema.nodes.paragraph;
  const blocks: Node[] = [];
  let changed = false;
  doc.forEach((block) => {
    if (!paragraph || 1 + levelsBelow(block) <= Limits.maxNestingDepth) {
      blocks.push(block);
      return;
    }
    changed = true;
    for (const text of textsOf(block)) blocks.push(paragraph.create(null, text ? schema.text(text) : null));
  });
  if (!changed) return doc;
  warn(`content nested deeper than ${Limits.maxNestingDepth} levels was kept as paragraphs of its text`);
  return schema.topNodeType.create(doc.attrs, blocks);
}

function levelsBelow(node: Node): number {
  let deepest = 0;
  const stack: [Node, number][] = [[node, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [at, depth] = next;
    deepest = Math.max(deepest, depth);
    at.forEach((child) => {
      stack.push([child, depth + 1]);
    });
  }
  return deepest;
}

/** The text of each text block under `node`, in order. */
function textsOf(node: Node): string[] {
  const texts: string[] = [];
  const stack: Node[] = [node];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.isTextblock) {
      texts.push(next.textContent);
      continue;
    }
    const children: Node[] = [];
    next.forEach((child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
  }
  return texts;
}

/** The nodes one JSON node becomes: itself when it fits, else its children (its text) for the parent to place. */
function build(schema: Schema, json: JSONContent, warn: Warn): Node[] {
  if (json.type === 'text') {
    // An empty text node is invalid in ProseMirror; an image without alt text gives one.
    return json.text ? [schema.text(json.text, marksOf(schema, json.marks))] : [];
  }
  const type = json.type ? schema.nodes[json.type] : undefined;
  const children = (json.content ?? []).flatMap((child) => build(schema, child, warn));
  if (!type || type === schema.topNodeType) {
    warn(`${json.type ? `a "${json.type}" element` : 'an element'} is not supported: kept as its text`);
    return children;
  }
  const attrs = json.attrs ?? null;
  if (type.isLeaf) {
    const leaf = attempt(() => type.create(attrs));
    return leaf ? [leaf] : [];
  }
  const content = fitChildren(schema, type, children, warn);
  const node =
    attempt(() => type.createChecked(attrs, content)) ?? attempt(() => type.createAndFill(attrs, content));
  if (node) return [node];
  warn(`a ${type.name} whose content does not fit was kept as its text`);
  return children;
}

/** `children` arranged the way `parent` holds content: inline runs wrapped in paragraphs, or blocks flattened to inline. */
function fitChildren(schema: Schema, parent: NodeType, children: Node[], warn: Warn): Node[] {
  if (parent.inlineContent) return children.flatMap((child, i) => inlineFor(schema, parent, child, i > 0));
  const paragraph = schema.nodes.paragraph;
  const blocks: Node[] = [];
  let run: Node[] = [];
  const endRun = () => {
    if (run.length && paragraph)
      blocks.push(paragraph.create(null, fitChildren(schema, paragraph, run, warn)));
    run = [];
  };
  for (const child of children) {
    if (child.isInline) run.push(child);
    else {
      endRun();
      blocks.push(child);
    }
  }
  endRun();
  return placeBlocks(schema, parent, blocks, warn);
}

/**
 * `blocks` in an order `parent` may hold them, ProseMirror's way: a block allowed where it comes
 * stays; one that needs a wrapper gets it (a list item alone becomes a list); any other gives way
 * to its content (a textblock to a paragraph of its text).
 */
function placeBlocks(schema: Schema, parent: NodeType, blocks: Node[], warn: Warn): Node[] {
  const placed: Node[] = [];
  let match = parent.contentMatch;
  const place = (block: Node): void => {
    const next = match.matchType(block.type);
    if (next) {
      placed.push(block);
      match = next;
      return;
    }
    const wrapping = match.findWrapping(block.type);
    const outer = wrapping?.[0];
    const afterWrapping = outer && match.matchType(outer);
    if (wrapping && afterWrapping) {
      placed.push(wrapping.reduceRight((inner, type) => type.create(null, inner), block));
      match = afterWrapping;
      return;
    }
    const paragraph = schema.nodes.paragraph;
    if (block.isTextblock && paragraph && block.type !== paragraph) {
      warn(`a ${block.type.name} cannot stand in a ${parent.name}: kept as a paragraph`);
      place(paragraph.create(null, fitChildren(schema, paragraph, [...block.children], warn)));
    } else if (!block.isTextblock && block.childCount > 0) {
      warn(`a ${block.type.name} cannot stand in a ${parent.name}: its content kept`);
      for (const child of block.children) place(child);
    } else {
      // A paragraph where none may stand, or an empty block: the parent's content check decides.
      placed.push(block);
    }
  };
  for (const block of blocks) place(block);
  return placed;
}

/** What an inline-content `parent` can hold of `child`: itself, its inline content, or its plain text. */
function inlineFor(schema: Schema, parent: NodeType, child: Node, afterAnother: boolean): Node[] {
  if (child.isBlock) {
    const inline: Node[] = [];
    child.descendants((node) => {
      if (!node.isInline) return true;
      inline.push(node);
      return false;
    });
    // Blocks flattened into one line are kept apart by a line break (in code, a newline).
    const separator = afterAnother && inline.length ? lineBreak(schema, parent) : [];
    return [...separator, ...inline.flatMap((node) => inlineFor(schema, parent, node, false))];
  }
  const allowed = child.mark(child.marks.filter((mark) => parent.allowsMarkType(mark.type)));
  if (parent.validContent(Fragment.from(allowed))) return [allowed];
  const text = child.isText ? (child.text ?? '') : child.type.spec.leafText?.(child) || '';
  return text ? [schema.text(text)] : [];
}

function lineBreak(schema: Schema, parent: NodeType): Node[] {
  const hardBreak = schema.nodes.hardBreak?.create();
  if (hardBreak && parent.validContent(Fragment.from(hardBreak))) return [hardBreak];
  return [schema.text(parent.spec.code ? '\n' : ' ')];
}

function marksOf(schema: Schema, marks: JSONContent['marks']): Mark[] {
  return (marks ?? []).flatMap((mark) => {
    const type = schema.marks[mark.type];
    const created = type && attempt(() => type.create(mark.attrs ?? null));
    return created ? [created] : [];
  });
}

/** The value, or undefined when building it throws (ProseMirror throws RangeError on content that does not fit). */
function attempt<T>(make: () => T | null | undefined): T | undefined {
  try {
    return make() ?? undefined;
  } catch {
    return undefined;
  }
}
