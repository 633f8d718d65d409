import type { ChangeLogEntry, ChangeLogExport, TextChange } from '../../../shared/changelog.ts';
import { unsealedEntry } from '../changelog/hashChain.ts';
import { toCsv } from './csv.ts';

// The two forms a draft's change log is published in. `changelog.json` is the record: complete,
// and checkable with `npm run verify-log`. `changelog.csv` is a reading copy for spreadsheets:
// one row per entry, with the hashes so a reader can match a row to the record.

/** `changelog.json`: the entries with exactly their hashed fields and hash, pretty-printed. */
export function changelogJson(
  draft: { id: string; title: string },
  entries: readonly ChangeLogEntry[],
  exportedAt: string,
): string {
  const document: ChangeLogExport = {
    format: 'margins-changelog',
    version: 1,
    draftId: draft.id,
    title: draft.title,
    exportedAt,
    hashAlgorithm: 'SHA-256',
    canonicalization: 'RFC 8785',
    entries: entries.map((entry) => ({ ...unsealedEntry(entry), hash: entry.hash })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export const CHANGELOG_CSV_COLUMNS = [
  'seq',
  'at',
  'type',
  'actor_name',
  'actor_role',
  'actor_organisation',
  'section',
  'before',
  'after',
  'rationale',
  'thread_id',
  'suggestion_id',
  'version_id',
  'detail',
  'prev_hash',
  'hash',
] as const;

/**
 * The `before` or `after` cell of an entry's changes. One change: its text as is. Several: each
 * numbered "[1] ", "[2] "… and separated by a blank line, so the n-th passage of `before` pairs
 * with the n-th of `after` even when one side is empty (an insertion or a deletion) or a passage
 * itself spans lines.
 */
export function joinChanges(changes: readonly TextChange[], side: 'before' | 'after'): string {
  if (changes.length === 1) return changes[0]?.[side] ?? '';
  return changes
    .map((change, i) => (change[side] ? `[${i + 1}] ${change[side]}` : `[${i + 1}]`))
    .join('\n\n');
}

/**
 * `changelog.csv` (see toCsv: UTF-8 with BOM, formula-safe cells). Entries made by Margins itself
 * (no actor) leave the three actor cells empty.
 */
export function changelogCsv(entries: readonly ChangeLogEntry[]): string {
  return toCsv(
    CHANGELOG_CSV_COLUMNS,
    entries.map((entry) => [
      entry.seq,
      entry.at,
      entry.type,
      entry.actor?.name ?? null,
      entry.actor?.role ?? null,
      entry.actor?.organisation ?? null,
      entry.section,
      joinChanges(entry.changes, 'before'),
      joinChanges(entry.changes, 'after'),
      entry.rationale,
      entry.threadId,
      entry.suggestionId,
      entry.versionId,
      entry.detail,
      entry.prevHash,
      entry.hash,
    ]),
  );
}
