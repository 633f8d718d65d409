import { describe, expect, it } from 'vitest';
import type { ChangeLogEntry, ChangeType } from '../../../shared/changelog.ts';
import { originFinder } from './LogEntry.tsx';

let seq = 0;
const entry = (type: ChangeType, ids: { threadId?: string; suggestionId?: string } = {}): ChangeLogEntry => {
  seq += 1;
  return {
    seq,
    at: `2025-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
    draftId: 'draft-1',
    actor: null,
    type,
    section: null,
    changes: [],
    rationale: null,
    threadId: ids.threadId ?? null,
    suggestionId: ids.suggestionId ?? null,
    versionId: null,
    detail: null,
    prevHash: '0'.repeat(64),
    hash: String(seq),
  };
};

describe('the change log links a decision to what it decided', () => {
  const made = entry('suggestion.made', { suggestionId: 's1' });
  const accepted = entry('suggestion.accepted', { suggestionId: 's1' });
  const opened = entry('thread.opened', { threadId: 't1' });
  const resolved = entry('thread.resolved', { threadId: 't1' });
  const orphan = entry('suggestion.rejected', { suggestionId: 'older-than-the-page' });
  const edit = entry('edit');
  const originOf = originFinder([made, accepted, opened, resolved, orphan, edit]);

  it('an accepted suggestion points back to the entry where it was made', () => {
    expect(originOf(accepted)).toBe(made);
  });

  it('a resolved thread points back to the entry where it was opened', () => {
    expect(originOf(resolved)).toBe(opened);
  });

  it('the entry that made a suggestion points to nothing (it is the origin)', () => {
    expect(originOf(made)).toBeUndefined();
    expect(originOf(opened)).toBeUndefined();
  });

  it('points to nothing when the origin is not among the entries shown', () => {
    expect(originOf(orphan)).toBeUndefined();
    expect(originOf(edit)).toBeUndefined();
  });
});
