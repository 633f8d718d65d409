import { describe, expect, it } from 'vitest';
import { doc, h, p, schema } from '../testing/fixtures.ts';
import { collectHeadings } from './Outline.tsx';

describe('the outline', () => {
  it('lists the headings in the order of the text, with their levels', () => {
    const text = doc(h(1, 'Plan'), p('Intro.'), h(2, 'Costs'), p('Much.'), h(3, 'Who pays'));
    expect(collectHeadings(text).map(({ level, text }) => ({ level, text }))).toEqual([
      { level: 1, text: 'Plan' },
      { level: 2, text: 'Costs' },
      { level: 3, text: 'Who pays' },
    ]);
  });

  it('gives each heading the position the jump goes to', () => {
    const text = doc(p('Intro.'), h(2, 'Costs'));
    const [costs] = collectHeadings(text);
    expect(text.nodeAt(costs?.pos ?? -1)?.textContent).toBe('Costs');
  });

  it('finds a heading inside a block quote too', () => {
    const text = doc(p('Intro.'), schema.node('blockquote', null, [h(2, 'Quoted')]));
    expect(collectHeadings(text).map((x) => x.text)).toEqual(['Quoted']);
  });

  it('is empty for a text without headings', () => {
    expect(collectHeadings(doc(p('Only words.')))).toEqual([]);
  });
});
