import { describe, expect, it } from 'vitest';
import { suggestingKey } from './useSuggestingMode.ts';

const press = (
  key: string,
  modifiers: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing', boolean>> = {},
) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  isComposing: false,
  ...modifiers,
});

describe('typing in suggesting mode', () => {
  it('a letter typed in the text opens a suggestion starting with that letter', () => {
    expect(suggestingKey(press('w'), true)).toEqual({ action: 'propose', typed: 'w' });
    expect(suggestingKey(press('É'), false)).toEqual({ action: 'propose', typed: 'É' });
    expect(suggestingKey(press(' '), true)).toEqual({ action: 'propose', typed: ' ' });
  });

  it('deleting a selection proposes deleting its words', () => {
    expect(suggestingKey(press('Backspace'), false)).toEqual({ action: 'propose', typed: '' });
    expect(suggestingKey(press('Delete'), false)).toEqual({ action: 'propose', typed: '' });
  });

  it('deleting one character at the caret changes nothing', () => {
    expect(suggestingKey(press('Backspace'), true)).toEqual({ action: 'block' });
    expect(suggestingKey(press('Delete'), true)).toEqual({ action: 'block' });
  });

  it('a line break or a tab changes nothing', () => {
    expect(suggestingKey(press('Enter'), true)).toEqual({ action: 'block' });
    expect(suggestingKey(press('Tab'), false)).toEqual({ action: 'block' });
  });

  it('moving through the text still works', () => {
    for (const key of ['ArrowLeft', 'ArrowDown', 'Home', 'End', 'PageDown', 'Escape', 'Shift']) {
      expect(suggestingKey(press(key), false)).toEqual({ action: 'pass' });
    }
  });

  it('shortcuts such as copying and the comment shortcut are left alone', () => {
    expect(suggestingKey(press('c', { ctrlKey: true }), false)).toEqual({ action: 'pass' });
    expect(suggestingKey(press('c', { metaKey: true }), false)).toEqual({ action: 'pass' });
    expect(suggestingKey(press('µ', { ctrlKey: true, altKey: true }), false)).toEqual({ action: 'pass' });
  });

  it('a character still being composed (an input method) is left to it', () => {
    expect(suggestingKey(press('k', { isComposing: true }), true)).toEqual({ action: 'pass' });
  });
});
