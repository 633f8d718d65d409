import { describe, expect, it } from 'vitest';
import { commented, doc, h, p, quote, thread } from '../testing/fixtures.ts';
import { openThreadsBySection, placeThreads, threadsAt } from './threadLayout.ts';

const text = doc(
  h(1, 'The river path'),
  p('The council ', commented('proposes a path', 'early'), ' along the river.'),
  h(2, 'What changes'),
  p('Cyclists ', commented('share', 'late'), ' the path with walkers.'),
);

describe('placing threads in the margin', () => {
  it('lists threads in the order of their passages in the text, not the order they were started', () => {
    const placed = placeThreads(text, [
      thread('late', { createdAt: '2025-01-01T09:00:00.000Z' }),
      thread('early', { createdAt: '2025-01-02T09:00:00.000Z' }),
    ]);
    expect(placed.map((x) => x.thread.id)).toEqual(['early', 'late']);
  });

  it('names the section each passage is in now', () => {
    const placed = placeThreads(text, [thread('early'), thread('late', { section: 'An old heading' })]);
    expect(placed.map((x) => x.section)).toEqual(['The river path', 'What changes']);
  });

  it('finds a passage again by its quote when its mark was lost', () => {
    const [placed] = placeThreads(text, [thread('lost', { quote: quote('walkers', 'path with ', '.') })]);
    expect(placed?.location).toMatchObject({ state: 'recovered', text: 'walkers' });
    expect(placed?.section).toBe('What changes');
  });

  it('lists a thread whose words are gone under the heading of the section it was in', () => {
    const gone = thread('gone', { section: 'What changes', quote: quote('deleted words') });
    const placed = placeThreads(text, [thread('early'), thread('late'), gone]);
    expect(placed.map((x) => x.thread.id)).toEqual(['early', 'gone', 'late']);
    expect(placed[1]?.location.state).toBe('detached');
    expect(placed[1]?.section).toBe('What changes');
  });

  it('lists a thread whose words and section are both gone last', () => {
    const gone = thread('gone', { section: 'A removed section', quote: quote('deleted words') });
    const placed = placeThreads(text, [gone, thread('late'), thread('early')]);
    expect(placed.map((x) => x.thread.id)).toEqual(['early', 'late', 'gone']);
  });

  it('lists threads on the same words oldest first', () => {
    const same = doc(p('We ', commented('agree', 'newer', 'older'), ' with this.'));
    const placed = placeThreads(same, [
      thread('newer', { createdAt: '2025-03-01T00:00:00.000Z' }),
      thread('older', { createdAt: '2025-02-01T00:00:00.000Z' }),
    ]);
    expect(placed.map((x) => x.thread.id)).toEqual(['older', 'newer']);
  });
});

describe('finding the threads under a click', () => {
  const overlapping = doc(
    p('Start ', commented('alpha ', 'a'), commented('both', 'a', 'b'), commented(' beta', 'b'), ' end.'),
  );
  const at = (words: string, offset = 0) => overlapping.textContent.indexOf(words) + 1 + offset;

  it('a click where two passages overlap brings both threads forward', () => {
    expect(threadsAt(overlapping, at('both', 1)).sort()).toEqual(['a', 'b']);
  });

  it('a click inside one passage brings only its thread forward', () => {
    expect(threadsAt(overlapping, at('alpha', 1))).toEqual(['a']);
    expect(threadsAt(overlapping, at('beta', 1))).toEqual(['b']);
  });

  it('a click just before the first letter of a passage counts as in it', () => {
    expect(threadsAt(overlapping, at('alpha'))).toEqual(['a']);
  });

  it('a click outside every passage brings no thread forward', () => {
    expect(threadsAt(overlapping, at('Start', 2))).toEqual([]);
    expect(threadsAt(overlapping, at('end', 1))).toEqual([]);
  });
});

describe('counting open threads for the outline', () => {
  it('counts open threads per section and leaves resolved ones out', () => {
    const placed = placeThreads(text, [
      thread('early'),
      thread('late'),
      thread('also-late', { quote: quote('walkers', 'path with ', '.') }),
      thread('done', { status: 'resolved', quote: quote('along the river', 'path ', '.') }),
    ]);
    expect(openThreadsBySection(placed)).toEqual(
      new Map([
        ['The river path', 1],
        ['What changes', 2],
      ]),
    );
  });

  it('does not count a thread that is in no section', () => {
    const untitled = doc(p('Before any ', commented('heading', 'x'), '.'));
    expect(openThreadsBySection(placeThreads(untitled, [thread('x')])).size).toBe(0);
  });
});
