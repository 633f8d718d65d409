import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangeLogEntry,
  GENESIS_HASH,
  type LogActor,
  type UnsealedEntry,
} from '../../shared/changelog.ts';
import { entryHash, seal, verifyChain, verifyExport } from '../src/changelog/hashChain.ts';
import { changelogJson } from '../src/exports/changelogExports.ts';
import { makeTempFolder, removeFolder } from './support/tempFolders.ts';

// Fixtures are written here, for these tests: a twelve-entry log of a draft in French and Spanish.

const DRAFT = { id: 'estrategia-2030', title: 'Stratégie 2030 — Estrategia 2030 🌍' };

const AMELIE: LogActor = {
  id: 'u-amelie',
  name: 'Amélie Dubois-Noël',
  role: 'taskforce',
  organisation: 'Réseau « Eau & Santé »',
};
const JOSE: LogActor = { id: 'u-jose', name: 'José Muñoz', role: 'stakeholder', organisation: null };

type Fields = Omit<UnsealedEntry, 'seq' | 'prevHash' | 'draftId' | 'at'>;

const blank: Omit<Fields, 'type' | 'actor'> = {
  section: null,
  changes: [],
  rationale: null,
  threadId: null,
  suggestionId: null,
  versionId: null,
  detail: null,
};

/** What happens to the draft, in order: one of each kind of entry, with French, Spanish and emoji. */
const STORY: Fields[] = [
  { ...blank, actor: null, type: 'consultation.opened' },
  { ...blank, actor: JOSE, type: 'thread.opened', section: '1. Contexte', threadId: 't-1' },
  {
    ...blank,
    actor: JOSE,
    type: 'suggestion.made',
    section: '2. Objetivos',
    suggestionId: 's-1',
    detail: 'Añadir «niñas y mujeres» — ¿por qué no? 👩‍👧',
  },
  {
    ...blank,
    actor: AMELIE,
    type: 'edit',
    section: '1. Contexte',
    changes: [
      { section: '1. Contexte', before: 'Le réseau a été créé.', after: 'Le réseau a été créé en 2019 ✨.' },
    ],
  },
  {
    ...blank,
    actor: AMELIE,
    type: 'suggestion.accepted',
    section: '2. Objetivos',
    suggestionId: 's-1',
    changes: [{ section: '2. Objetivos', before: 'las personas', after: 'las personas, niñas y mujeres' }],
  },
  { ...blank, actor: AMELIE, type: 'thread.resolved', threadId: 't-1', rationale: 'Réglé : voir § 1.' },
  {
    ...blank,
    actor: AMELIE,
    type: 'suggestion.rejected',
    suggestionId: 's-2',
    rationale: 'Hors du périmètre de la consultation ; on en reparlera en 2027.',
  },
  { ...blank, actor: JOSE, type: 'suggestion.withdrawn', suggestionId: 's-3' },
  { ...blank, actor: AMELIE, type: 'suggestion.reverted', suggestionId: 's-1', rationale: '=1+1' },
  { ...blank, actor: JOSE, type: 'thread.reopened', threadId: 't-1', rationale: 'Sigue sin estar claro.' },
  { ...blank, actor: AMELIE, type: 'version.published', versionId: 'v-2', detail: 'Versión 2 « finale »' },
  { ...blank, actor: null, type: 'consultation.closed' },
];

/** A sealed log of `count` entries (up to 12) for DRAFT, one minute apart. */
function sampleLog(count = STORY.length): ChangeLogEntry[] {
  const log: ChangeLogEntry[] = [];
  for (const [i, fields] of STORY.slice(0, count).entries()) {
    const at = new Date(Date.UTC(2025, 11, 1, 9, i)).toISOString();
    log.push(seal(log.at(-1), { ...fields, draftId: DRAFT.id, at }));
  }
  return log;
}

/** A deep copy of the sample log, to tamper with. */
function tampered(edit: (log: ChangeLogEntry[]) => void): ChangeLogEntry[] {
  const log = structuredClone(sampleLog());
  edit(log);
  return log;
}

/** Re-hashes an entry after it was edited, as a forger who knows the algorithm would. */
function rehash(entry: ChangeLogEntry): void {
  entry.hash = entryHash(entry);
}

function at(log: ChangeLogEntry[], seq: number): ChangeLogEntry {
  const entry = log.find((candidate) => candidate.seq === seq);
  if (!entry) throw new Error(`no entry ${seq}`);
  return entry;
}

describe('entryHash', () => {
  it('CHAIN-1 is the SHA-256 of the RFC 8785 canonical JSON: keys sorted, no spaces, hash left out', () => {
    const [first] = sampleLog(1) as [ChangeLogEntry];
    const canonical =
      '{"actor":null,"at":"2025-12-01T09:00:00.000Z","changes":[],"detail":null,"draftId":"estrategia-2030",' +
      `"prevHash":"${GENESIS_HASH}","rationale":null,"section":null,"seq":1,"suggestionId":null,` +
      '"threadId":null,"type":"consultation.opened","versionId":null}';

    expect(entryHash(first)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
    expect(first.hash).toBe(entryHash(first));
  });

  it('does not depend on the order of the keys or on extra properties', () => {
    const entry = sampleLog(4)[3] as ChangeLogEntry;
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as unknown as UnsealedEntry;
    const withExtra = { ...entry, _id: 'storage-internal' } as UnsealedEntry;

    expect(entryHash(reordered)).toBe(entry.hash);
    expect(entryHash(withExtra)).toBe(entry.hash);
  });

  it('covers non-ASCII text exactly: one accent more is another hash', () => {
    const entry = sampleLog(7)[6] as ChangeLogEntry;
    expect(entryHash({ ...entry, rationale: entry.rationale?.replace('é', 'e') ?? null })).not.toBe(
      entry.hash,
    );
  });
});

describe('seal', () => {
  it('CHAIN-1 numbers the first entry 1 and links it to the genesis hash', () => {
    const [first] = sampleLog(1) as [ChangeLogEntry];
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('CHAIN-1 numbers each following entry one more and links it to the previous hash', () => {
    const log = sampleLog();
    expect(log.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const [i, entry] of log.entries()) {
      if (i > 0) expect(entry.prevHash).toBe(log[i - 1]?.hash);
      expect(entry.hash).toBe(entryHash(entry));
    }
    expect(new Set(log.map((entry) => entry.hash)).size).toBe(log.length);
  });

  it('stores only the fields the hash covers', () => {
    const sealed = seal(undefined, {
      draftId: DRAFT.id,
      at: '2025-12-01T09:00:00.000Z',
      actor: { ...JOSE, email: 'jose@example.org' } as LogActor,
      type: 'thread.opened',
      section: null,
      changes: [],
      rationale: null,
      threadId: 't-9',
      suggestionId: null,
      versionId: null,
      detail: null,
      note: 'not part of the log',
    } as Omit<UnsealedEntry, 'seq' | 'prevHash'>);

    expect(sealed).not.toHaveProperty('note');
    expect(sealed.actor).toEqual(JOSE);
    expect(verifyChain([sealed])).toEqual({ ok: true, count: 1, lastHash: sealed.hash });
  });

  it("refuses to chain an entry after another draft's entry", () => {
    const [first] = sampleLog(1) as [ChangeLogEntry];
    expect(() => seal(first, { ...first, draftId: 'another-draft' })).toThrow(/another-draft/);
  });
});

describe('verifyChain', () => {
  it('accepts an untouched log', () => {
    const log = sampleLog();
    expect(verifyChain(log)).toEqual({ ok: true, count: 12, lastHash: log[11]?.hash });
  });

  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, lastHash: null });
  });

  it('CHAIN-2 names an entry whose rationale was changed after it was logged', () => {
    const log = tampered((entries) => {
      at(entries, 7).rationale = 'Accepté finalement.';
    });
    expect(verifyChain(log)).toEqual({
      ok: false,
      seq: 7,
      index: 6,
      reason: 'entry 7 was changed after it was logged: its hash does not match its content',
    });
  });

  it('names an entry whose actor was changed, even by one letter of the name', () => {
    const log = tampered((entries) => {
      const actor = at(entries, 4).actor as LogActor;
      actor.name = 'Amelie Dubois-Noël';
    });
    expect(verifyChain(log)).toMatchObject({ ok: false, seq: 4, index: 3 });
  });

  it('CHAIN-2 says which entry is missing when one was removed', () => {
    const log = tampered((entries) => {
      entries.splice(6, 1);
    });
    expect(verifyChain(log)).toEqual({
      ok: false,
      seq: 8,
      index: 6,
      reason: 'an entry is missing between 6 and 8 (entry 7 is not in the log)',
    });
  });

  it('says which entries are missing when several were removed', () => {
    const log = tampered((entries) => {
      entries.splice(3, 3);
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 7,
      index: 3,
      reason: 'an entry is missing between 3 and 7 (entries 4 to 6 are not in the log)',
    });
  });

  it('says the log does not start at entry 1 when the first entries were removed', () => {
    const log = tampered((entries) => {
      entries.splice(0, 2);
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 3,
      index: 0,
      reason: 'the log does not start at entry 1: it starts at entry 3 (entries 1 to 2 are not in the log)',
    });
  });

  it('CHAIN-2 names the first of two swapped entries as out of order', () => {
    const log = tampered((entries) => {
      const ninth = entries[8] as ChangeLogEntry;
      entries[8] = entries[9] as ChangeLogEntry;
      entries[9] = ninth;
    });
    expect(verifyChain(log)).toEqual({
      ok: false,
      seq: 10,
      index: 8,
      reason: 'entry 10 is out of order: it comes before entry 9',
    });
  });

  it('names an entry moved back before the last as out of order', () => {
    const log = tampered((entries) => {
      const [third] = entries.splice(2, 1);
      entries.push(third as ChangeLogEntry);
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 4,
      index: 2,
      reason: 'entry 4 is out of order: it comes before entry 3',
    });
  });

  it('CHAIN-2 names an entry that appears twice', () => {
    const log = tampered((entries) => {
      entries.splice(5, 0, structuredClone(entries[4] as ChangeLogEntry));
    });
    expect(verifyChain(log)).toEqual({ ok: false, seq: 5, index: 5, reason: 'entry 5 appears twice' });
  });

  it('CHAIN-2 catches an entry changed and re-hashed at the next entry, whose previous hash no longer matches', () => {
    const log = tampered((entries) => {
      const seventh = at(entries, 7);
      seventh.rationale = 'Accepté finalement.';
      rehash(seventh);
    });
    expect(verifyChain(log)).toEqual({
      ok: false,
      seq: 8,
      index: 7,
      reason:
        "entry 8 does not follow on from entry 7: the hash it records for entry 7 is not entry 7's hash, " +
        'so entry 7 was changed and re-hashed, or replaced',
    });
  });

  it('names an entry whose hash was replaced by one that is not its content’s', () => {
    const log = tampered((entries) => {
      at(entries, 5).hash = createHash('sha256').update('forged').digest('hex');
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 5,
      index: 4,
      reason: expect.stringMatching(/^entry 5 was changed/),
    });
  });

  it('names an entry whose number was changed', () => {
    const log = tampered((entries) => {
      at(entries, 5).seq = 50;
    });
    expect(verifyChain(log)).toEqual({
      ok: false,
      seq: 50,
      index: 4,
      reason: 'entry 5 was renumbered 50 after it was logged: its hash does not match its content',
    });
  });

  it('names an entry whose number was changed and its hash recomputed', () => {
    const log = tampered((entries) => {
      const fifth = at(entries, 5);
      fifth.seq = 6;
      rehash(fifth);
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 6,
      index: 4,
      reason: 'entry 5 was renumbered 6 and re-hashed: it directly follows entry 4',
    });
  });

  it('refuses a first entry that does not start from the genesis hash', () => {
    const log = tampered((entries) => {
      const first = at(entries, 1);
      first.prevHash = 'f'.repeat(64);
      rehash(first);
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 1,
      index: 0,
      reason: expect.stringMatching(
        /^entry 1 does not start the chain: its previous hash should be the genesis hash/,
      ),
    });
  });

  it('refuses an entry with a field the log does not define, which the hash would not cover', () => {
    const log: unknown[] = tampered(() => {});
    log[2] = { ...(log[2] as ChangeLogEntry), note: 'ajouté après coup' };
    expect(verifyChain(log)).toMatchObject({
      seq: 3,
      index: 2,
      reason: expect.stringMatching(/^entry 3 is not a well-formed change-log entry \(.*note/),
    });
  });

  it('refuses an entry with a missing or mistyped field, naming the field', () => {
    const missing = tampered((entries) => {
      delete (entries[1] as Partial<ChangeLogEntry>).type;
    });
    expect(verifyChain(missing)).toMatchObject({
      seq: 2,
      index: 1,
      reason: expect.stringContaining('(type: '),
    });

    const mistyped = tampered((entries) => {
      (entries[3] as unknown as { actor: { role: string } }).actor.role = 'king';
    });
    expect(verifyChain(mistyped)).toMatchObject({
      seq: 4,
      index: 3,
      reason: expect.stringContaining('actor.role'),
    });

    expect(verifyChain([sampleLog(1)[0], 'not an entry'])).toMatchObject({
      seq: null,
      index: 1,
      reason: expect.stringMatching(/^the entry at position 2 is not a well-formed change-log entry/),
    });
  });

  it('refuses text that is not valid Unicode instead of crashing', () => {
    const log = tampered((entries) => {
      at(entries, 2).section = JSON.parse('"\\ud800"') as string;
    });
    expect(verifyChain(log)).toMatchObject({
      seq: 2,
      index: 1,
      reason: expect.stringContaining('not valid Unicode'),
    });
  });

  it('refuses something that is not a list', () => {
    expect(verifyChain({ entries: [] })).toEqual({
      ok: false,
      seq: null,
      index: -1,
      reason: 'the change log is not a list of entries',
    });
  });
});

describe('verifyExport', () => {
  const exported = () => JSON.parse(changelogJson(DRAFT, sampleLog(), '2026-02-28T18:00:00.000Z'));

  it('accepts an export round-tripped through JSON, with French, Spanish and emoji intact', () => {
    const text = changelogJson(DRAFT, sampleLog(), '2026-02-28T18:00:00.000Z');
    const json = JSON.parse(JSON.stringify(JSON.parse(text)));

    expect(text).toContain('Añadir «niñas y mujeres» — ¿por qué no? 👩‍👧');
    expect(json).toMatchObject({
      format: 'margins-changelog',
      version: 1,
      draftId: DRAFT.id,
      title: DRAFT.title,
      exportedAt: '2026-02-28T18:00:00.000Z',
      hashAlgorithm: 'SHA-256',
      canonicalization: 'RFC 8785',
    });
    expect(verifyExport(json)).toEqual({ ok: true, count: 12, lastHash: sampleLog()[11]?.hash });
  });

  it('exports only the logged fields, so entries with storage extras still verify', () => {
    const stored = sampleLog().map((entry) => ({ ...entry, _id: `row-${entry.seq}` }));
    const json = JSON.parse(changelogJson(DRAFT, stored, '2026-02-28T18:00:00.000Z'));
    expect(json.entries[0]).not.toHaveProperty('_id');
    expect(verifyExport(json)).toMatchObject({ ok: true, count: 12 });
  });

  it('CHAIN-2 names the first broken entry of the chain inside an export', () => {
    const json = exported();
    json.entries[6].rationale = 'Accepté.';
    expect(verifyExport(json)).toMatchObject({ ok: false, seq: 7, index: 6 });
  });

  it('refuses a file that is not a Margins change-log export, or of another version', () => {
    expect(verifyExport([])).toMatchObject({
      ok: false,
      index: -1,
      reason: expect.stringContaining('not a Margins'),
    });
    expect(verifyExport({ ...exported(), format: 'other' })).toMatchObject({
      index: -1,
      reason: 'this is not a Margins change-log export (format is "other")',
    });
    expect(verifyExport({ ...exported(), version: 2 })).toMatchObject({
      index: -1,
      reason: 'this change-log export is version 2; this Margins reads version 1',
    });
    expect(verifyExport({ ...exported(), hashAlgorithm: 'MD5' })).toMatchObject({ index: -1 });
    expect(verifyExport({ ...exported(), entries: {} })).toMatchObject({ index: -1 });
  });

  it("refuses an export whose header names another draft than its entries'", () => {
    expect(verifyExport({ ...exported(), draftId: 'another-draft' })).toMatchObject({
      ok: false,
      seq: 1,
      index: 0,
      reason:
        'entry 1 belongs to draft "estrategia-2030", but the export says it is the log of draft "another-draft"',
    });
  });
});

describe('npm run verify-log', () => {
  const repoRoot = path.resolve(import.meta.dirname, '../..');
  let dir = '';
  beforeAll(() => {
    dir = makeTempFolder('margins-verify-log-');
  });
  afterAll(() => removeFolder(dir));

  function run(...args: string[]) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/verifyLog.ts', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    return { code: child.status, stdout: child.stdout, stderr: child.stderr };
  }

  function file(name: string, content: string): string {
    const filePath = path.join(dir, name);
    writeFileSync(filePath, content);
    return filePath;
  }

  it('CHAIN-2 prints OK with the count and last hash, and exits 0, for an intact export', () => {
    const log = sampleLog();
    const result = run(file('intact.json', changelogJson(DRAFT, log, '2026-02-28T18:00:00.000Z')));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`OK: 12 entries, chain intact (last hash ${log[11]?.hash})\n`);
  });

  it('CHAIN-2 prints the first broken entry and exits 1 for a tampered export', () => {
    const json = JSON.parse(changelogJson(DRAFT, sampleLog(), '2026-02-28T18:00:00.000Z'));
    json.entries[6].rationale = 'Accepté.';
    const result = run(file('tampered.json', JSON.stringify(json)));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'BROKEN: entry 7 was changed after it was logged: its hash does not match its content\n' +
        'It is at position 7 in the file; the 6 entries before it are intact.\n',
    );
  });

  it('CHAIN-2 exits 2 with a clear message for a missing file, a file that is not JSON, or not an export', () => {
    const missing = run(path.join(dir, 'nowhere.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Cannot read .*nowhere\.json: /);

    const notJson = run(file('notes.json', 'Ceci n’est pas du JSON'));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/notes\.json is not JSON: /);

    const notExport = run(file('other.json', '{"format":"something-else"}'));
    expect(notExport.code).toBe(2);
    expect(notExport.stderr).toContain('this is not a Margins change-log export');

    const noFile = run();
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Usage: npm run verify-log -- <changelog.json>');
  });
});
