import { describe, expect, it } from 'vitest';
import { safeNext } from './SignInPage.tsx';

describe('where signing in leads', () => {
  it('returns to the page on this site that sent the person to sign in', () => {
    expect(safeNext('?next=%2Fdrafts%2Friver-path')).toBe('/drafts/river-path');
  });

  it('never leads to another site', () => {
    expect(safeNext('?next=https%3A%2F%2Fevil.example')).toBe('/');
    expect(safeNext('?next=%2F%2Fevil.example')).toBe('/');
    expect(safeNext('?next=javascript%3Aalert(1)')).toBe('/');
  });

  it('goes to the list of drafts when no page is named', () => {
    expect(safeNext('')).toBe('/');
  });
});
