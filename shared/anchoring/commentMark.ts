import { Mark, mergeAttributes } from '@tiptap/core';
import { Fragment, type Node as PMNode, Slice } from '@tiptap/pm/model';
import { Plugin } from '@tiptap/pm/state';

/**
 * The mark the server puts on a commented passage, carrying the thread id. Marks travel with
 * their text through the edits that kill Yjs relative positions (splitting or joining a
 * paragraph, turning it into a heading, wrapping it in a list), which is why threads are anchored
 * with one. `excludes: ''` lets threads overlap; `inclusive: false` keeps a passage from growing
 * when someone types at its edges. Only the server adds or removes it.
 */
export const CommentMark = Mark.create({
  name: 'comment',
  inclusive: false,
  excludes: '',
  spanning: true,

  addAttributes() {
    return {
      threadId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-thread-id'),
        renderHTML: (attributes) => ({ 'data-thread-id': attributes.threadId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-thread-id]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes({ class: 'comment-anchor' }, HTMLAttributes), 0];
  },

  addProseMirrorPlugins() {
    const type = this.type;
    return [
      new Plugin({
        props: {
          // Copying a commented passage must not copy its thread to the place it is pasted.
          transformPasted: (slice) => withoutMark(slice, type.name),
        },
      }),
    ];
  },
});

/** `slice` without any mark named `markName` (pasted text must not carry anchors). */
export function withoutMark(slice: Slice, markName: string): Slice {
  return new Slice(stripMark(slice.content, markName), slice.openStart, slice.openEnd);
}

function stripMark(fragment: Fragment, markName: string): Fragment {
  const nodes: PMNode[] = [];
  fragment.forEach((node) => {
    if (node.isText) nodes.push(node.mark(node.marks.filter((mark) => mark.type.name !== markName)));
    else nodes.push(node.copy(stripMark(node.content, markName)));
  });
  return Fragment.fromArray(nodes);
}
