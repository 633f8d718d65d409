import { Mark, mergeAttributes } from '@tiptap/core';
import { Plugin } from '@tiptap/pm/state';
import { withoutMark } from './commentMark.ts';

/**
 * The mark the server puts on the words an open suggestion would replace, carrying its id: like
 * a thread's mark, it travels with its words through splits, joins and block changes, and it is
 * how a suggestion notices that its words were edited (it is then outdated). Only the server adds
 * or removes it; it never appears in an export.
 */
export const SuggestionMark = Mark.create({
  name: 'suggestion',
  inclusive: false,
  excludes: '',
  spanning: true,

  addAttributes() {
    return {
      suggestionId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-suggestion-id'),
        renderHTML: (attributes) => ({ 'data-suggestion-id': attributes.suggestionId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-suggestion-id]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes({ class: 'suggestion-anchor' }, HTMLAttributes), 0];
  },

  addProseMirrorPlugins() {
    const name = this.type.name;
    return [new Plugin({ props: { transformPasted: (slice) => withoutMark(slice, name) } })];
  },
});
