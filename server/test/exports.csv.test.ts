import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ChangeLogEntry, UnsealedEntry } from '../../shared/changelog.ts';
import { seal } from '../src/changelog/hashChain.ts';
import { CHANGELOG_CSV_COLUMNS, changelogCsv } from '../src/exports/changelogExports.ts';
import { spreadsheetSafe, toCsv } from '../src/exports/csv.ts';

/** Parses CSV back into cells the way a careful reader would (BOM skipped, RFC 4180 quoting). */
function cells(csv: string): string[][] {
  return parse(csv, { bom: true, relax_column_count: false });
}

const blank: Omit<UnsealedEntry, 'seq' | 'prevHash' | 'actor' | 'type'> = {
  draftId: 'strategie-2030',
  at: '2025-12-01T09:00:00.000Z',
  section: null,
  changes: [],
  rationale: null,
  threadId: null,
  suggestionId: null,
  versionId: null,
  detail: null,
};

/** Three entries: one by Margins itself, one edit of two passages, one rejection with a risky rationale. */
function sampleLog(): ChangeLogEntry[] {
  const opened = seal(undefined, { ...blank, actor: null, type: 'consultation.opened' });
  const edited = seal(opened, {
    ...blank,
    at: '2025-12-02T10:30:00.000Z',
    actor: { id: 'u-1', name: 'Amélie Noël', role: 'taskforce', organisation: 'Réseau « Eau, Santé »' },
    type: 'edit',
    section: '1. Contexte',
    changes: [
      { section: '1. Contexte', before: 'Le réseau a été créé.', after: 'Le réseau a été créé en 2019.' },
      { section: '1. Contexte', before: '', after: 'Nouveau paragraphe.\nSur deux lignes.' },
    ],
  });
  const rejected = seal(edited, {
    ...blank,
    at: '2025-12-03T08:00:00.000Z',
    actor: { id: 'u-2', name: 'José Muñoz', role: 'stakeholder', organisation: null },
    type: 'suggestion.rejected',
    section: '2. Objetivos',
    suggestionId: 's-1',
    rationale: '=HYPERLINK("http://example.org","¿Por qué no?")',
    detail: 'niñas y mujeres',
  });
  return [opened, edited, rejected];
}

describe('spreadsheetSafe', () => {
  it.each([['=1+1'], ['+33 1 23 45 67 89'], ['-5'], ['@SUM(A1)'], ['\tx'], ['\rx']])(
    'prefixes %j with an apostrophe so a spreadsheet shows it instead of running it',
    (cell) => {
      expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
    },
  );

  it.each([
    ['Bonjour;=1+1;fin', "Bonjour;'=1+1;fin"],
    ['Hola,+34 600', "Hola,'+34 600"],
    ['a\tb\t@SUM(A1)', "a\tb\t'@SUM(A1)"],
    ['Deux points :\n- un\r\n- deux\r-3', "Deux points :\n'- un\r\n'- deux\r'-3"],
    ['il a dit "=1+1"', 'il a dit "\'=1+1"'],
    ['=a;=b', "'=a;'=b"],
    ['x;\t=1', "x;'\t'=1"],
  ])(
    'defuses %j after a separator, a line break or a quote, where a reader may start a cell',
    (cell, safe) => {
      expect(spreadsheetSafe(cell)).toBe(safe);
    },
  );

  it.each([
    ['Révision du § 2 — ¿por qué?'],
    ['a; b, - c'],
    ['Replace “dialogue” with “+diálogo”'],
    ['a=1+1'],
    [' =1'],
    ["'déjà"],
    ['2025-12-01'],
    ['😀 emoji first'],
    [''],
  ])('leaves %j untouched', (cell) => {
    expect(spreadsheetSafe(cell)).toBe(cell);
  });
});

describe('toCsv', () => {
  it('starts with a UTF-8 byte order mark and ends records with CRLF', () => {
    const csv = toCsv(['a', 'b'], [['x', 1]]);
    expect(csv).toBe('\uFEFFa,b\r\nx,1\r\n');
  });

  it('parses back to the same cells, French and Spanish text, quotes, commas and newlines intact', () => {
    const rows = [
      ['Amélie « la Réviseuse »', 'Señora Peña, año 2030', 'il a dit "non"'],
      ['ligne 1\nligne 2', 'línea 1\r\nlínea 2', 'ça, c’est « ça »'],
      ['', 'emoji 👩‍👧 ✨', 'trailing space '],
    ];
    expect(cells(toCsv(['un', 'dos', 'trois'], rows))).toEqual([['un', 'dos', 'trois'], ...rows]);
  });

  it('quotes a cell with a bare line break, a carriage return, a ; or a tab', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [['ligne 1\nligne 2', 'un\rdeux', 'oui; non', 'x\ty']]);
    expect(csv).toBe('\uFEFFa,b,c,d\r\n"ligne 1\nligne 2","un\rdeux","oui; non","x\ty"\r\n');
  });

  it('writes numbers as they are and null as an empty cell', () => {
    expect(cells(toCsv(['n', 'neg', 'empty'], [[42, -5, null]]))).toEqual([
      ['n', 'neg', 'empty'],
      ['42', '-5', ''],
    ]);
  });

  it('LIMIT-15 defuses formula cells, which come back with a leading apostrophe', () => {
    const risky = ['=1+1', '+33 1 23', '-5', '@SUM(A1)', '\tx', '\rx'];
    const [, row] = cells(
      toCsv(
        risky.map((_, i) => `c${i}`),
        [risky],
      ),
    );
    expect(row).toEqual(risky.map((cell) => `'${cell}`));
  });

  it('leaves ordinary text untouched', () => {
    const plain = ['Révision', 'año 2030', 'a=b', '100 %'];
    expect(cells(toCsv(['a', 'b', 'c', 'd'], [plain]))[1]).toEqual(plain);
  });
});

describe('changelogCsv', () => {
  it('has a header and one row per entry, in the documented columns', () => {
    const log = sampleLog();
    const [header, ...rows] = cells(changelogCsv(log));
    expect(header).toEqual([...CHANGELOG_CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row[0])).toEqual(['1', '2', '3']);
    expect(rows.map((row) => row.at(-1))).toEqual(log.map((entry) => entry.hash));
    expect(rows.map((row) => row.at(-2))).toEqual(log.map((entry) => entry.prevHash));
  });

  it('leaves the actor cells empty for an entry made by Margins itself', () => {
    const [, opened] = cells(changelogCsv(sampleLog()));
    expect(opened?.slice(0, 6)).toEqual(['1', '2025-12-01T09:00:00.000Z', 'consultation.opened', '', '', '']);
  });

  it('numbers several changes and separates them with a blank line, pairing before with after', () => {
    const [, , edited] = cells(changelogCsv(sampleLog()));
    const column = (name: (typeof CHANGELOG_CSV_COLUMNS)[number]) =>
      edited?.[CHANGELOG_CSV_COLUMNS.indexOf(name)];
    expect(column('actor_name')).toBe('Amélie Noël');
    expect(column('actor_role')).toBe('taskforce');
    expect(column('actor_organisation')).toBe('Réseau « Eau, Santé »');
    expect(column('section')).toBe('1. Contexte');
    expect(column('before')).toBe('[1] Le réseau a été créé.\n\n[2]');
    expect(column('after')).toBe(
      '[1] Le réseau a été créé en 2019.\n\n[2] Nouveau paragraphe.\nSur deux lignes.',
    );
  });

  it("defuses a participant's formula and keeps Spanish text intact", () => {
    const [, , , rejected] = cells(changelogCsv(sampleLog()));
    const column = (name: (typeof CHANGELOG_CSV_COLUMNS)[number]) =>
      rejected?.[CHANGELOG_CSV_COLUMNS.indexOf(name)];
    expect(column('actor_name')).toBe('José Muñoz');
    expect(column('rationale')).toBe(`'=HYPERLINK("http://example.org","¿Por qué no?")`);
    expect(column('detail')).toBe('niñas y mujeres');
    expect(column('suggestion_id')).toBe('s-1');
    expect(column('thread_id')).toBe('');
  });
});
