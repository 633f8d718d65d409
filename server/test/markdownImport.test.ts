import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { getSchema } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { type Logger, pino } from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { contentExtensions } from '../../shared/editorExtensions.ts';
import { draftIdFromFileName, importDraft, importDraftsFromDir } from '../src/drafts/importDrafts.ts';
import { DraftFileError, markdownToYjsState, parseDraftFile } from '../src/drafts/markdown.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { draftRecord, yjsStateWithText } from './support/records.ts';
import { tempDir } from './support/tempDir.ts';

const schema = getSchema(contentExtensions());

/** The editor's view of a Yjs state: the ProseMirror document TipTap would show. */
function editorDocument(state: Uint8Array): ProseMirrorNode {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(CONTENT_FIELD), schema);
  doc.destroy();
  return node;
}

function blocks(node: ProseMirrorNode): ProseMirrorNode[] {
  const children: ProseMirrorNode[] = [];
  node.forEach((child) => {
    children.push(child);
  });
  return children;
}

/** Marks on the text run that reads exactly `text`, as names (with a link's href). */
function marksOn(node: ProseMirrorNode, text: string): string[] {
  let found: string[] | undefined;
  node.descendants((child) => {
    if (child.isText && child.text === text) {
      found = child.marks.map((mark) =>
        mark.type.name === 'link' ? `link:${mark.attrs.href}` : mark.type.name,
      );
    }
  });
  if (!found) throw new Error(`no text run "${text}" in ${node.textContent}`);
  return found;
}

const frenchDraft = `---
title: Stratégie de gouvernement ouvert
language: fr
---
# Stratégie de gouvernement ouvert

Un paragraphe avec *une emphase*, du **texte gras** et un [lien vers la consultation](https://example.org/consultation?lang=fr).

## Objectifs prioritaires

- Transparence des décisions
- Participation citoyenne

1. Première étape : l’été
2. Deuxième étape : « Noël à Montréal »

> Une citation où l’on parle de l’œuvre commune.
`;

describe('markdownToYjsState', () => {
  const document = editorDocument(markdownToYjsState(parseDraftFile(frenchDraft).body));
  const [h1, paragraph, h2, bullets, ordered, quote] = blocks(document);

  it('turns headings into heading nodes with their level', () => {
    expect(h1?.type.name).toBe('heading');
    expect(h1?.attrs.level).toBe(1);
    expect(h1?.textContent).toBe('Stratégie de gouvernement ouvert');
    expect(h2?.type.name).toBe('heading');
    expect(h2?.attrs.level).toBe(2);
    expect(h2?.textContent).toBe('Objectifs prioritaires');
  });

  it('keeps paragraphs with emphasis, strong text and links', () => {
    expect(paragraph?.type.name).toBe('paragraph');
    expect(marksOn(document, 'une emphase')).toEqual(['italic']);
    expect(marksOn(document, 'texte gras')).toEqual(['bold']);
    expect(marksOn(document, 'lien vers la consultation')).toEqual([
      'link:https://example.org/consultation?lang=fr',
    ]);
  });

  it('turns bullet and ordered lists into list nodes, one item per line', () => {
    expect(bullets?.type.name).toBe('bulletList');
    expect(blocks(bullets as ProseMirrorNode).map((item) => item.textContent)).toEqual([
      'Transparence des décisions',
      'Participation citoyenne',
    ]);
    expect(ordered?.type.name).toBe('orderedList');
    expect(blocks(ordered as ProseMirrorNode).map((item) => item.textContent)).toEqual([
      'Première étape : l’été',
      'Deuxième étape : « Noël à Montréal »',
    ]);
  });

  it('keeps block quotes', () => {
    expect(quote?.type.name).toBe('blockquote');
    expect(quote?.textContent).toBe('Une citation où l’on parle de l’œuvre commune.');
  });

  it('keeps Spanish accents and punctuation intact', () => {
    const state = markdownToYjsState('¿Qué opina usted? ¡Señal de participación! Año, niño, pingüino.\n');
    expect(editorDocument(state).textContent).toBe(
      '¿Qué opina usted? ¡Señal de participación! Año, niño, pingüino.',
    );
  });

  it('produces content that fits the editor schema', () => {
    expect(() => document.check()).not.toThrow();
  });

  it('gives an empty body one empty paragraph, so that a draft can start blank', () => {
    for (const body of ['', '\n', '   \n\n']) {
      const empty = editorDocument(markdownToYjsState(body));
      expect(blocks(empty).map((block) => block.type.name)).toEqual(['paragraph']);
      expect(empty.textContent).toBe('');
    }
  });
});

describe('parseDraftFile', () => {
  it('reads the title and language from the front matter and leaves them out of the body', () => {
    const parsed = parseDraftFile(frenchDraft);
    expect(parsed.title).toBe('Stratégie de gouvernement ouvert');
    expect(parsed.language).toBe('fr');
    expect(parsed.body).not.toContain('language:');
    expect(parsed.body.startsWith('# Stratégie')).toBe(true);
  });

  it('prefers the front matter title over the first heading', () => {
    const parsed = parseDraftFile('---\ntitle: Estrategia 2027\nlanguage: es\n---\n# Otro título\n');
    expect(parsed.title).toBe('Estrategia 2027');
    expect(parsed.language).toBe('es');
  });

  it('falls back to the first level-one heading when the front matter has no title', () => {
    const parsed = parseDraftFile(
      '---\nlanguage: es\n---\nIntroducción.\n\n## Sección\n\n# Estrategia de gobierno abierto\n',
    );
    expect(parsed.title).toBe('Estrategia de gobierno abierto');
  });

  it('falls back to the first heading in a file without front matter, in English', () => {
    const parsed = parseDraftFile('# Open government strategy\n\nBody.\n');
    expect(parsed).toMatchObject({ title: 'Open government strategy', language: 'en' });
  });

  it('does not take the paragraph after an empty # line for a heading', () => {
    expect(() => parseDraftFile('#\n\nNot a heading.\n')).toThrow(DraftFileError);
  });

  it('refuses a draft with neither a title nor a level-one heading', () => {
    expect(() => parseDraftFile('## Only a subheading\n\nText.\n')).toThrow(/no title/);
  });

  it('accepts region subtags such as pt-BR', () => {
    expect(parseDraftFile('---\nlanguage: pt-BR\n---\n# Estratégia\n').language).toBe('pt-BR');
  });

  it.each([
    ['a language name', 'Français'],
    ['a single letter', 'f'],
    ['an underscore tag', 'fr_FR'],
  ])('rejects %s as language', (_what, language) => {
    expect(() => parseDraftFile(`---\nlanguage: ${language}\n---\n# Titre\n`)).toThrow(DraftFileError);
  });

  it('rejects a language that YAML reads as something other than text', () => {
    expect(() => parseDraftFile('---\nlanguage: 12\n---\n# Title\n')).toThrow(DraftFileError);
    expect(() => parseDraftFile('---\nlanguage: [fr, es]\n---\n# Title\n')).toThrow(DraftFileError);
  });

  it('LIMIT-16 refuses JavaScript front matter instead of running it', () => {
    const ran = { value: false };
    (globalThis as { marginsFrontMatterRan?: typeof ran }).marginsFrontMatterRan = ran;
    for (const opener of ['---js', '---javascript', '---JS', '---coffee']) {
      const source = `${opener}\n{ title: (globalThis.marginsFrontMatterRan.value = true, 'Ran') }\n---\n# Title\n`;
      expect(() => parseDraftFile(source)).toThrow(/must be YAML/);
    }
    expect(ran.value).toBe(false);
  });

  it('reports front matter that is not valid YAML', () => {
    expect(() => parseDraftFile('---\ntitle: [unclosed\n---\n# Title\n')).toThrow(/not valid YAML/);
  });
});

describe('importDraft', () => {
  it('creates a new draft with the title, language and content of the file', async () => {
    const storage = new MemoryStorage();

    expect(await importDraft(storage, 'strategie-ouverte', frenchDraft)).toBe('created');

    const draft = await storage.drafts.getDraft('strategie-ouverte');
    expect(draft).toMatchObject({
      id: 'strategie-ouverte',
      title: 'Stratégie de gouvernement ouvert',
      language: 'fr',
    });
    const stored = await storage.drafts.loadDocument('strategie-ouverte');
    expect(editorDocument(stored ?? new Uint8Array()).textContent).toContain('Participation citoyenne');
  });

  it('keeps a stored draft when the same file is imported again', async () => {
    const storage = new MemoryStorage();
    await importDraft(storage, 'strategie-ouverte', frenchDraft);
    const before = await storage.drafts.loadDocument('strategie-ouverte');

    expect(await importDraft(storage, 'strategie-ouverte', frenchDraft)).toBe('kept');
    expect(await storage.drafts.loadDocument('strategie-ouverte')).toEqual(before);
  });

  it('STORE-4 never overwrites what people wrote, even when the file changed', async () => {
    const storage = new MemoryStorage();
    await importDraft(storage, 'strategie-ouverte', frenchDraft);
    const edited = yjsStateWithText('Texte réécrit pendant la consultation');
    await storage.drafts.saveDocument('strategie-ouverte', edited);

    const outcome = await importDraft(
      storage,
      'strategie-ouverte',
      '# Nouvelle version\n\nTout autre chose.\n',
    );

    expect(outcome).toBe('kept');
    expect(await storage.drafts.loadDocument('strategie-ouverte')).toEqual(edited);
    expect((await storage.drafts.getDraft('strategie-ouverte'))?.title).toBe(
      'Stratégie de gouvernement ouvert',
    );
  });

  it('never re-seeds a stored draft, even one whose document is empty', async () => {
    const storage = new MemoryStorage();
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    await storage.drafts.createDraft(draftRecord('empty-draft'), empty);

    expect(await importDraft(storage, 'empty-draft', frenchDraft)).toBe('kept');

    expect(await storage.drafts.loadDocument('empty-draft')).toEqual(empty);
  });

  it('rejects an id that is not kebab-case, before touching storage', async () => {
    const storage = new MemoryStorage();
    await expect(importDraft(storage, 'Not A Valid Id', frenchDraft)).rejects.toThrow(/not a valid draft id/);
    await expect(importDraft(storage, '../escape', frenchDraft)).rejects.toThrow(/not a valid draft id/);
    await expect(importDraft(storage, 'a'.repeat(101), frenchDraft)).rejects.toThrow(
      /at most 100 characters/,
    );
    expect(await storage.drafts.listDrafts()).toEqual([]);
  });

  it('imports a draft that has a title but no body yet', async () => {
    const storage = new MemoryStorage();
    expect(await importDraft(storage, 'blank', '---\ntitle: À écrire\nlanguage: fr\n---\n')).toBe('created');
    expect((await storage.drafts.getDraft('blank'))?.title).toBe('À écrire');
  });
});

describe('draftIdFromFileName', () => {
  it('drops the extension and lowercases the name', () => {
    expect(draftIdFromFileName('Open-Government-2027.md')).toBe('open-government-2027');
    expect(draftIdFromFileName('/some/dir/estrategia.md')).toBe('estrategia');
  });
});

describe('importDraftsFromDir', () => {
  function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
    const output: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output.push(chunk.toString());
        done();
      },
    });
    return {
      logger: pino({ level: 'info' }, stream),
      lines: () =>
        output
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  it('skips a broken file, logs why, and imports the rest', async () => {
    const dir = tempDir('margins-drafts-');
    await writeFile(path.join(dir, 'a-first.md'), '# First draft\n\nText.\n');
    await writeFile(path.join(dir, 'b-broken.md'), '---\nlanguage: Klingon!\n---\n# Broken\n');
    await writeFile(path.join(dir, 'c-untitled.md'), 'No heading and no front matter.\n');
    await writeFile(path.join(dir, 'Bad Name.md'), '# Bad name\n');
    await writeFile(path.join(dir, 'd-last.md'), '---\ntitle: Última\nlanguage: es\n---\nCuerpo.\n');
    await writeFile(path.join(dir, 'notes.txt'), '# Not a draft\n');
    const storage = new MemoryStorage();
    const { logger, lines } = capturingLogger();

    await importDraftsFromDir(storage, dir, logger);

    const ids = (await storage.drafts.listDrafts()).map((draft) => draft.id).sort();
    expect(ids).toEqual(['a-first', 'd-last']);
    const failed = lines()
      .filter((line) => line.level === 50)
      .map((line) => line.file)
      .sort();
    expect(failed).toEqual(['Bad Name.md', 'b-broken.md', 'c-untitled.md']);
  });

  it('STORE-4 leaves drafts that are already stored as they are on the next start', async () => {
    const dir = tempDir('margins-drafts-');
    await writeFile(path.join(dir, 'estrategia.md'), '# Estrategia\n\nVersión inicial.\n');
    const storage = new MemoryStorage();
    await importDraftsFromDir(storage, dir, pino({ level: 'silent' }));
    const edited = yjsStateWithText('Versión editada');
    await storage.drafts.saveDocument('estrategia', edited);

    await writeFile(path.join(dir, 'estrategia.md'), '# Estrategia\n\nVersión nueva del archivo.\n');
    await importDraftsFromDir(storage, dir, pino({ level: 'silent' }));

    expect(await storage.drafts.loadDocument('estrategia')).toEqual(edited);
  });

  it('does nothing when the drafts folder does not exist', async () => {
    const dir = tempDir('margins-drafts-');
    const storage = new MemoryStorage();
    await importDraftsFromDir(storage, path.join(dir, 'missing'), pino({ level: 'silent' }));
    expect(await storage.drafts.listDrafts()).toEqual([]);
  });
});
