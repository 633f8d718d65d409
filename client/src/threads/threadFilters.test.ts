import { describe, expect, it } from 'vitest';
import { aliceSignedIn, commented, doc, p, thread, tom } from '../testing/fixtures.ts';
import { filterThreads, MAX_RENDERED, visibleThreads } from './threadFilters.ts';
import { type PlacedThread, placeThreads } from './threadLayout.ts';

const reply = (id: string, author = tom) => ({
  id,
  author,
  body: 'A reply.',
  language: 'en',
  createdAt: '2025-01-02T00:00:00.000Z',
  editedAt: null,
  deleted: false,
});

const placed = placeThreads(
  doc(p(commented('one', 'alices'), ' ', commented('two', 'toms'), ' ', commented('three', 'replied'))),
  [
    thread('alices'),
    thread('toms', { author: tom, comments: [{ ...reply('t1'), author: tom }] }),
    thread('replied', { author: tom, comments: [reply('t2'), reply('t3', aliceSignedIn)] }),
    thread('done', { status: 'resolved' }),
  ],
);
const ids = (list: PlacedThread[]) => list.map((x) => x.thread.id);

describe('filtering the threads in the margin', () => {
  it('shows open threads, resolved ones, or all', () => {
    const all = { mine: false, section: '' };
    expect(ids(filterThreads(placed, { ...all, status: 'open' }, null))).toEqual([
      'alices',
      'toms',
      'replied',
    ]);
    expect(ids(filterThreads(placed, { ...all, status: 'resolved' }, null))).toEqual(['done']);
    expect(filterThreads(placed, { ...all, status: 'all' }, null)).toHaveLength(4);
  });

  it('"mine" keeps the threads I started or replied to', () => {
    const mine = filterThreads(placed, { status: 'all', mine: true, section: '' }, aliceSignedIn);
    expect(ids(mine)).toEqual(['alices', 'replied', 'done']);
  });

  it('keeps only the threads of the chosen section', () => {
    const sectioned = placeThreads(doc(p(commented('x', 'x'))), [
      thread('x'),
      thread('gone', { section: 'Costs', quote: { exact: 'nope', prefix: '', suffix: '' } }),
    ]);
    expect(ids(filterThreads(sectioned, { status: 'open', mine: false, section: 'Costs' }, null))).toEqual([
      'gone',
    ]);
  });
});

describe('rendering only the threads near the screen in a crowded draft', () => {
  const many = (count: number): PlacedThread[] =>
    Array.from({ length: count }, (_, i) => ({
      thread: thread(`t${i}`),
      location: { state: 'attached', from: i * 10, to: i * 10 + 5, text: 'words' },
      order: i * 10,
      section: null,
    }));

  it('renders every thread of a draft with few of them, wherever the reader is', () => {
    const few = many(MAX_RENDERED);
    expect(visibleThreads(few, [], { from: 0, to: 0 })).toEqual(few);
  });

  it('beyond that renders only the threads beside the text on screen', () => {
    const visible = visibleThreads(many(500), [], { from: 1000, to: 1200 });
    expect(visible.map((x) => x.order)).toEqual([
      1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1100, 1110, 1120, 1130, 1140, 1150, 1160,
      1170, 1180, 1190, 1200,
    ]);
  });

  it('keeps the threads in focus rendered even when their passage is off screen', () => {
    const visible = visibleThreads(many(500), ['t3'], { from: 1000, to: 1050 });
    expect(ids(visible)).toContain('t3');
  });

  it('never renders more than the limit, even with the whole text on screen', () => {
    expect(visibleThreads(many(500), [], { from: 0, to: 100_000 })).toHaveLength(MAX_RENDERED);
  });

  it('before the screen is measured renders only the threads in focus', () => {
    expect(ids(visibleThreads(many(500), ['t7'], undefined))).toEqual(['t7']);
  });
});
