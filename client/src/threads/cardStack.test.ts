import { describe, expect, it } from 'vitest';
import { sameLayout, stackCards } from './cardStack.ts';

describe('stacking thread cards beside their passages', () => {
  it('puts each card level with its passage when there is room', () => {
    const { top } = stackCards([
      { id: 'a', passageTop: 40, height: 100 },
      { id: 'b', passageTop: 400, height: 100 },
    ]);
    expect(top.get('a')).toBe(40);
    expect(top.get('b')).toBe(400);
  });

  it('stacks two cards whose passages overlap without overlapping them', () => {
    const { top } = stackCards([
      { id: 'a', passageTop: 100, height: 80 },
      { id: 'b', passageTop: 110, height: 80 },
    ]);
    const a = top.get('a') ?? Number.NaN;
    const b = top.get('b') ?? Number.NaN;
    expect(a).toBe(100);
    expect(b).toBeGreaterThanOrEqual(a + 80);
    expect(b - (a + 80)).toBeLessThanOrEqual(12); // pushed down no further than needed
  });

  it('keeps a crowd of cards in document order, none overlapping the next', () => {
    const cards = Array.from({ length: 6 }, (_, i) => ({
      id: `c${i}`,
      passageTop: 200 + i,
      height: 50 + i * 10,
    }));
    const { top } = stackCards(cards);
    for (let i = 1; i < cards.length; i++) {
      const above = cards[i - 1];
      const card = cards[i];
      if (!above || !card) continue;
      expect(top.get(card.id)).toBeGreaterThanOrEqual((top.get(above.id) ?? 0) + (above.height ?? 0));
    }
  });

  it('brings a card back beside its passage once the crowd above it has ended', () => {
    const { top } = stackCards([
      { id: 'a', passageTop: 0, height: 300 },
      { id: 'b', passageTop: 10, height: 300 },
      { id: 'c', passageTop: 2000, height: 100 },
    ]);
    expect(top.get('c')).toBe(2000);
  });

  it('puts a card whose passage is gone right under the card above', () => {
    const { top } = stackCards([
      { id: 'a', passageTop: 100, height: 80 },
      { id: 'gone', passageTop: undefined, height: 80 },
    ]);
    const gone = top.get('gone') ?? Number.NaN;
    expect(gone).toBeGreaterThanOrEqual(180);
    expect(gone).toBeLessThan(200);
  });

  it('leaves room for a card that has not been measured yet', () => {
    const { top } = stackCards([
      { id: 'new', passageTop: 0, height: undefined },
      { id: 'next', passageTop: 0, height: 80 },
    ]);
    expect(top.get('next')).toBeGreaterThanOrEqual(100);
  });

  it('makes the list tall enough to hold its last card', () => {
    const { top, height } = stackCards([
      { id: 'a', passageTop: 50, height: 80 },
      { id: 'b', passageTop: 900, height: 150 },
    ]);
    expect(height).toBeGreaterThanOrEqual((top.get('b') ?? 0) + 150);
  });

  it('a card whose passage is above the top of the list still starts inside the list', () => {
    const { top } = stackCards([{ id: 'a', passageTop: -300, height: 80 }]);
    expect(top.get('a')).toBe(0);
  });
});

describe('deciding whether the cards moved', () => {
  it('does not lay the cards out again for moves under half a pixel', () => {
    expect(sameLayout(new Map([['a', 100]]), new Map([['a', 100.4]]))).toBe(true);
  });

  it('lays the cards out again when one moved, came or went', () => {
    expect(sameLayout(new Map([['a', 100]]), new Map([['a', 101]]))).toBe(false);
    expect(
      sameLayout(
        new Map([['a', 100]]),
        new Map([
          ['a', 100],
          ['b', 300],
        ]),
      ),
    ).toBe(false);
    expect(sameLayout(new Map([['a', 100]]), new Map([['b', 100]]))).toBe(false);
  });
});
