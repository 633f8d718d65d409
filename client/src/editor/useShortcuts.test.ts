import { describe, expect, it } from 'vitest';
import { shortcutOf } from './useShortcuts.ts';

const keys = (code: string, held: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>>) => ({
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...held,
});

describe('comment and suggest shortcuts', () => {
  it('Ctrl+Alt+M comments and Ctrl+Alt+S suggests', () => {
    expect(shortcutOf(keys('KeyM', { ctrlKey: true, altKey: true }))).toBe('comment');
    expect(shortcutOf(keys('KeyS', { ctrlKey: true, altKey: true }))).toBe('suggest');
  });

  it('⌘ works instead of Ctrl on a Mac', () => {
    expect(shortcutOf(keys('KeyM', { metaKey: true, altKey: true }))).toBe('comment');
  });

  it('goes by the key, not the character a layout makes of it with Alt held', () => {
    // On a Mac, Alt+M types "µ": the physical key is still M.
    const press = { ...keys('KeyM', { metaKey: true, altKey: true }), key: 'µ' };
    expect(shortcutOf(press)).toBe('comment');
  });

  it('does nothing without both Ctrl (or ⌘) and Alt, or on other letters', () => {
    expect(shortcutOf(keys('KeyM', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutOf(keys('KeyM', { altKey: true }))).toBeUndefined();
    expect(shortcutOf(keys('KeyS', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutOf(keys('KeyC', { ctrlKey: true, altKey: true }))).toBeUndefined();
  });
});
