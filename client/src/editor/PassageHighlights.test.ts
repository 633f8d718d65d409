import { describe, expect, it } from 'vitest';
import { thread } from '../testing/fixtures.ts';
import type { PlacedThread } from '../threads/threadLayout.ts';
import { highlightCss } from './PassageHighlights.tsx';

const placed = (id: string, status: 'open' | 'resolved'): PlacedThread => ({
  thread: thread(id, { status }),
  location: { state: 'attached', from: 1, to: 5, text: 'word' },
  order: 1,
  section: null,
});
/** The style rules that apply to the passage of thread `id`. */
const rulesFor = (css: string, id: string) => css.split('\n').filter((rule) => rule.includes(`"${id}"`));

describe('highlights in the text', () => {
  it('no longer highlights the passage of a resolved thread', () => {
    const css = highlightCss([placed('done', 'resolved'), placed('open', 'open')], []);
    expect(rulesFor(css, 'done').join()).toContain('background:none');
    expect(rulesFor(css, 'open')).toEqual([]);
  });

  it('emphasises the passages of the threads in focus, resolved ones included', () => {
    const css = highlightCss([placed('done', 'resolved'), placed('open', 'open')], ['done', 'open']);
    for (const id of ['done', 'open']) {
      expect(rulesFor(css, id).join()).toContain('.comment-anchor');
      expect(rulesFor(css, id).join()).toContain('var(--highlight-active)');
      expect(rulesFor(css, id).join()).not.toContain('background:none');
    }
  });

  it('outlines the words of the suggestions in focus, struck through and added alike', () => {
    const css = highlightCss([], ['s1']);
    const rules = rulesFor(css, 's1').join();
    expect(rules).toContain('.suggestion-removal[data-suggestion-id="s1"]');
    expect(rules).toContain('.suggestion-insertion[data-suggestion-id="s1"]');
  });

  it('changes nothing when no thread is resolved or in focus', () => {
    expect(highlightCss([placed('open', 'open')], [])).toBe('');
  });
});
