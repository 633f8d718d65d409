import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  type ChangeLogEntry,
  type ChangeLogExport,
  GENESIS_HASH,
  type UnsealedEntry,
} from '../../../shared/changelog.ts';
import { changeLogEntrySchema } from './entrySchema.ts';

// The change log is a hash chain: each entry's hash covers its content and the previous entry's
// hash, so changing, removing or reordering an entry breaks every link after it. What a chain
// cannot show on its own is a cut-off tail or a wholly rewritten log: for that, readers compare
// the last hash with one published elsewhere (which is why `npm run verify-log` prints it).

/** Exactly the fields an entry's hash covers, copied in a fixed order (extra properties are dropped). */
export function unsealedEntry(entry: UnsealedEntry): UnsealedEntry {
  return {
    seq: entry.seq,
    at: entry.at,
    draftId: entry.draftId,
    actor: entry.actor && {
      id: entry.actor.id,
      name: entry.actor.name,
      role: entry.actor.role,
      organisation: entry.actor.organisation,
    },
    type: entry.type,
    section: entry.section,
    changes: entry.changes.map((change) => ({
      section: change.section,
      before: change.before,
      after: change.after,
    })),
    rationale: entry.rationale,
    threadId: entry.threadId,
    suggestionId: entry.suggestionId,
    versionId: entry.versionId,
    detail: entry.detail,
    prevHash: entry.prevHash,
    // Only edit entries have it; entries without it hash exactly as before it existed.
    ...(entry.burst && {
      burst: { id: entry.burst.id, startedAt: entry.burst.startedAt, endedAt: entry.burst.endedAt },
    }),
  };
}

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of the entry's hashed fields; a `hash` property, if
 * the caller passes a sealed entry, is not part of it. Throws on text that is not valid Unicode (a
 * lone surrogate), which RFC 8785 cannot represent.
 */
export function entryHash(entry: UnsealedEntry): string {
  const canonical = canonicalize(unsealedEntry(entry));
  // Only `undefined` or a function at the top level canonicalizes to nothing; an entry object never does.
  if (canonical === undefined) throw new Error('change-log entry has no canonical JSON form');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Appends `entry` after `previous` (undefined: the draft's first entry), numbering and hashing it. */
export function seal(
  previous: ChangeLogEntry | undefined,
  entry: Omit<UnsealedEntry, 'seq' | 'prevHash'>,
): ChangeLogEntry {
  if (previous && previous.draftId !== entry.draftId) {
    throw new Error(`cannot log an entry of draft ${entry.draftId} after one of draft ${previous.draftId}`);
  }
  const unsealed = unsealedEntry({
    ...entry,
    seq: previous ? previous.seq + 1 : 1,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  });
  return { ...unsealed, hash: entryHash(unsealed) };
}

/**
 * What verifying says: either the whole chain holds, or the first entry where it breaks, by its
 * position in the list (`index`, from 0; -1 when the problem is the export as a whole) and its
 * number (`seq`, null when it has none), with a reason a person can read.
 */
export type ChainVerdict =
  | { ok: true; count: number; lastHash: string | null }
  | { ok: false; seq: number | null; index: number; reason: string };

function broken(seq: number | null, index: number, reason: string): ChainVerdict {
  return { ok: false, seq, index, reason };
}

/** Checks the shape, hash, number and link of every entry in order and names the first one broken. */
export function verifyChain(entries: unknown): ChainVerdict {
  if (!Array.isArray(entries)) return broken(null, -1, 'the change log is not a list of entries');
  const checked: ChangeLogEntry[] = [];
  for (const [index, raw] of entries.entries()) {
    const parsed = changeLogEntrySchema.safeParse(raw);
    if (!parsed.success) return malformed(raw, index, parsed.error.issues[0]);
    const entry = parsed.data;
    const problem = contentProblem(entry, index) ?? linkProblem(entry, index, checked, entries);
    if (problem) return broken(entry.seq, index, problem);
    checked.push(entry);
  }
  return { ok: true, count: checked.length, lastHash: checked.at(-1)?.hash ?? null };
}

/** Verifies a whole `changelog.json`: its header (format, version, algorithms, draft), then the chain. */
export function verifyExport(json: unknown): ChainVerdict {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return broken(null, -1, 'this is not a Margins change-log export (expected a JSON object)');
  }
  const header = json as Partial<Record<keyof ChangeLogExport, unknown>>;
  if (header.format !== 'margins-changelog') {
    return broken(null, -1, `this is not a Margins change-log export (format is ${shown(header.format)})`);
  }
  if (header.version !== 1) {
    return broken(
      null,
      -1,
      `this change-log export is version ${shown(header.version)}; this Margins reads version 1`,
    );
  }
  if (header.hashAlgorithm !== 'SHA-256' || header.canonicalization !== 'RFC 8785') {
    return broken(
      null,
      -1,
      `this export is hashed with ${shown(header.hashAlgorithm)} over ${shown(header.canonicalization)}; ` +
        'this Margins checks SHA-256 over RFC 8785 canonical JSON',
    );
  }
  if (typeof header.draftId !== 'string') {
    return broken(null, -1, 'this change-log export does not say which draft it is for (no draftId)');
  }
  if (!Array.isArray(header.entries)) {
    return broken(null, -1, 'this change-log export has no list of entries');
  }
  const verdict = verifyChain(header.entries);
  if (!verdict.ok) return verdict;
  // The header is not hashed: check that it describes the entries it carries.
  const draftId = header.draftId;
  const foreign = (header.entries as ChangeLogEntry[]).findIndex((entry) => entry.draftId !== draftId);
  if (foreign >= 0) {
    const entry = header.entries[foreign] as ChangeLogEntry;
    return broken(
      entry.seq,
      foreign,
      `entry ${entry.seq} belongs to draft "${entry.draftId}", but the export says it is the log of draft "${draftId}"`,
    );
  }
  return verdict;
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** Names a malformed entry by its number if it has a usable one, else by its position. */
function malformed(raw: unknown, index: number, issue: { path: PropertyKey[]; message: string } | undefined) {
  const rawSeq = (raw as { seq?: unknown } | null)?.seq;
  const seq = typeof rawSeq === 'number' && Number.isInteger(rawSeq) && rawSeq > 0 ? rawSeq : null;
  const name = seq === null ? `the entry at position ${index + 1}` : `entry ${seq}`;
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return broken(
    seq,
    index,
    `${name} is not a well-formed change-log entry (${where}${issue?.message ?? 'invalid'})`,
  );
}

/** Does the entry's hash match its content? If not, says what was most likely changed. */
function contentProblem(entry: ChangeLogEntry, index: number): string | null {
  let actual: string;
  try {
    actual = entryHash(entry);
  } catch {
    return `entry ${entry.seq} contains text that is not valid Unicode, so its hash cannot be checked`;
  }
  if (actual === entry.hash) return null;
  const expectedSeq = index + 1;
  if (entry.seq !== expectedSeq && entryHash({ ...entry, seq: expectedSeq }) === entry.hash) {
    return `entry ${expectedSeq} was renumbered ${entry.seq} after it was logged: its hash does not match its content`;
  }
  return `entry ${entry.seq} was changed after it was logged: its hash does not match its content`;
}

/**
 * Is the entry numbered and linked as the one after `checked` (the entries before it, all
 * verified)? Numbers are checked before the link because a wrong number says more precisely
 * what happened (an entry removed, moved or repeated) than a wrong previous hash does.
 */
function linkProblem(
  entry: ChangeLogEntry,
  index: number,
  checked: ChangeLogEntry[],
  all: unknown[],
): string | null {
  const previous = checked.at(-1);
  const expectedSeq = index + 1;
  const seqAt = (i: number) => (all[i] as { seq?: unknown } | undefined)?.seq;

  if (previous && entry.draftId !== previous.draftId) {
    return `entry ${entry.seq} belongs to draft "${entry.draftId}", not to draft "${previous.draftId}" like the entries before it`;
  }
  // A number that disagrees with the position, on an entry whose link is intact, was rewritten
  // (and the entry re-hashed): nothing is missing or moved around it.
  const linked = entry.prevHash === (previous?.hash ?? GENESIS_HASH);
  const after = previous ? `entry ${previous.seq}` : 'the start of the log';
  if (entry.seq < expectedSeq) {
    const twin = checked.find((earlier) => earlier.seq === entry.seq);
    if (twin?.hash === entry.hash) return `entry ${entry.seq} appears twice`;
    if (linked)
      return `entry ${expectedSeq} was renumbered ${entry.seq} and re-hashed: it directly follows ${after}`;
    return `entry ${entry.seq} is out of order: it follows entry ${previous?.seq}`;
  }
  if (entry.seq > expectedSeq) {
    if (all.some((_, i) => i > index && seqAt(i) === expectedSeq)) {
      return `entry ${entry.seq} is out of order: it comes before entry ${expectedSeq}`;
    }
    if (linked)
      return `entry ${expectedSeq} was renumbered ${entry.seq} and re-hashed: it directly follows ${after}`;
    const missing =
      entry.seq - expectedSeq === 1
        ? `entry ${expectedSeq} is`
        : `entries ${expectedSeq} to ${entry.seq - 1} are`;
    return previous
      ? `an entry is missing between ${previous.seq} and ${entry.seq} (${missing} not in the log)`
      : `the log does not start at entry 1: it starts at entry ${entry.seq} (${missing} not in the log)`;
  }
  if (!previous) {
    if (entry.prevHash !== GENESIS_HASH) {
      return `entry 1 does not start the chain: its previous hash should be the genesis hash (64 zeros), so entries before it were removed or it was altered and re-hashed`;
    }
    return null;
  }
  if (entry.prevHash !== previous.hash) {
    return `entry ${entry.seq} does not follow on from entry ${previous.seq}: the hash it records for entry ${previous.seq} is not entry ${previous.seq}'s hash, so entry ${previous.seq} was changed and re-hashed, or replaced`;
  }
  return null;
}
