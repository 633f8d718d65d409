import { describe, expect, it } from 'vitest';
import { parseCollabPath } from '../src/http/collabSocket.ts';

describe('parseCollabPath', () => {
  it('reads the draft id from /collab/<draftId>, ignoring the query string', () => {
    expect(parseCollabPath('/collab/open-strategy')).toBe('open-strategy');
    expect(parseCollabPath('/collab/open-strategy?token=abc')).toBe('open-strategy');
  });

  it('decodes percent-encoded ids, leaving their validation to the caller', () => {
    expect(parseCollabPath('/collab/Not%20Valid')).toBe('Not Valid');
  });

  it.each([
    ['another prefix', '/api/drafts'],
    ['the bare prefix', '/collab'],
    ['an empty id', '/collab/'],
    ['a nested path', '/collab/a/b'],
    ['a broken escape', '/collab/%E0%A4%A'],
  ])('refuses %s', (_what, url) => {
    expect(parseCollabPath(url)).toBeUndefined();
  });
});
