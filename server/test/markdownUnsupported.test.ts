import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { getSchema } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { contentExtensions } from '../../shared/editorExtensions.ts';
import { fitToSchema } from '../src/drafts/fitToSchema.ts';
import { importDraftsFromDir } from '../src/drafts/importDrafts.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { tempDir } from './support/tempDir.ts';

// Markdown the editor has no node for (images, HTML, tables, task lists) is imported as its text,
// with a warning; a draft is never refused whole for one of them. Until this, a draft with an
// image alone on its line failed with "RangeError: Invalid content for node doc".

const schema = getSchema(contentExtensions());

/** The document an editor shows for `markdown`, and the warnings the import gave. */
function imported(markdown: string): { doc: ProseMirrorNode; warnings: string[] } {
  const warnings: string[] = [];
  const ydoc = new Y.Doc();
  Y.applyUpdate(
    ydoc,
    markdownToYjsState(markdown, (message) => warnings.push(message)),
  );
  const doc = yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(CONTENT_FIELD), schema);
  ydoc.destroy();
  return { doc, warnings };
}

/** Each block as `type: text`. */
function blocks(doc: ProseMirrorNode): string[] {
  const out: string[] = [];
  doc.forEach((block) => {
    out.push(`${block.type.name}: ${block.textContent}`);
  });
  return out;
}

describe('importing Markdown the editor cannot show as written', () => {
  it('keeps an image inside a paragraph as its alt text, and says so', () => {
    const { doc, warnings } = imported('Voir la carte ![carte des régions](carte.png) ci-dessous.\n');
    expect(blocks(doc)).toEqual(['paragraph: Voir la carte carte des régions ci-dessous.']);
    expect(warnings).toEqual(['image "carte des régions" (carte.png) replaced by its alt text']);
  });

  it('imports a draft with an image alone on its line, the alt text as a paragraph of its own', () => {
    const { doc, warnings } = imported(
      '# Diagnostic\n\nAvant.\n\n![Schéma de gouvernance](img/schema.svg)\n\nAprès.\n',
    );
    expect(blocks(doc)).toEqual([
      'heading: Diagnostic',
      'paragraph: Avant.',
      'paragraph: Schéma de gouvernance',
      'paragraph: Après.',
    ]);
    expect(warnings).toEqual(['image "Schéma de gouvernance" (img/schema.svg) replaced by its alt text']);
  });

  it('leaves out an image without alt text and keeps the rest', () => {
    const { doc, warnings } = imported('![](logo.png)\n\nTexto que sigue.\n');
    expect(doc.textContent).toBe('Texto que sigue.');
    expect(warnings).toEqual(['image logo.png left out: it has no alt text']);
  });

  it('keeps images inside quotes and list items as their alt text', () => {
    const { doc } = imported('> ![Cita](q.png)\n\n- ![Punto](p.png)\n');
    expect(doc.toString()).toBe(
      'doc(blockquote(paragraph("Cita")), bulletList(listItem(paragraph("Punto"))))',
    );
  });

  it('replaces an HTML block by its text, without tags or comments', () => {
    const { doc, warnings } = imported(
      [
        'Intro.',
        '',
        '<div align="center">',
        '<img src="logo.png" alt="Logo du réseau">',
        '<b>Réseau</b> &amp; partenaires',
        '</div>',
        '',
        '<!-- note interne -->',
        '',
        'Fin.',
        '',
      ].join('\n'),
    );
    expect(blocks(doc)).toEqual([
      'paragraph: Intro.',
      'paragraph: Logo du réseau Réseau & partenaires',
      'paragraph: Fin.',
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^HTML block "<div align="center">.*" replaced by its text$/);
    expect(warnings[1]).toBe('HTML block "<!-- note interne -->" replaced by its text');
  });

  it('keeps a table as one paragraph per row, formatting inside cells intact', () => {
    const { doc, warnings } = imported('| Año | Meta |\n|---|---|\n| 2027 | **50 %** |\n');
    expect(blocks(doc)).toEqual(['paragraph: Año | Meta', 'paragraph: 2027 | 50 %']);
    expect(doc.child(1).lastChild?.marks.map((mark) => mark.type.name)).toEqual(['bold']);
    expect(warnings).toEqual(['table of 2 rows kept as text, one paragraph per row']);
  });

  it('keeps a task list as a list, its checkboxes left out', () => {
    const { doc, warnings } = imported('- [ ] consulter\n- [x] publier\n');
    expect(doc.toString()).toBe(
      'doc(bulletList(listItem(paragraph("consulter")), listItem(paragraph("publier"))))',
    );
    expect(warnings).toEqual(['task list checkbox "[ ]" left out', 'task list checkbox "[x]" left out']);
  });

  it('imports ordinary Markdown without a warning', () => {
    const { warnings } = imported(
      '# Titre\n\nUn *paragraphe* avec un [lien](https://example.org).\n\n- a\n- b\n',
    );
    expect(warnings).toEqual([]);
  });
});

describe('fitToSchema', () => {
  it('degrades a node type the schema does not have to its text, wraps what needs a parent, and puts loose text in a paragraph', () => {
    const warnings: string[] = [];
    const doc = fitToSchema(
      schema,
      {
        type: 'doc',
        content: [
          { type: 'text', text: 'Loose text.' },
          { type: 'figure', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Légende' }] }] },
          { type: 'listItem', content: [{ type: 'text', text: 'item without a list' }] },
        ],
      },
      (message) => warnings.push(message),
    );
    expect(doc.toString()).toBe(
      'doc(paragraph("Loose text."), paragraph("Légende"), bulletList(listItem(paragraph("item without a list"))))',
    );
    expect(warnings).toEqual(['a "figure" element is not supported: kept as its text']);
  });

  it('keeps as a paragraph a heading where the schema allows none, and as text a code block’s marks', () => {
    const warnings: string[] = [];
    const doc = fitToSchema(
      schema,
      {
        type: 'doc',
        content: [
          {
            type: 'listItem',
            content: [{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Titre' }] }],
          },
          { type: 'codeBlock', content: [{ type: 'text', text: 'x = 1', marks: [{ type: 'bold' }] }] },
        ],
      },
      (message) => warnings.push(message),
    );
    expect(doc.toString()).toBe('doc(bulletList(listItem(paragraph("Titre"))), codeBlock("x = 1"))');
    expect(warnings).toEqual(['a heading cannot stand in a listItem: kept as a paragraph']);
  });
});

describe('importDraftsFromDir with unsupported Markdown', () => {
  it('imports the draft and logs one warning naming the file and what was changed', async () => {
    const dir = tempDir('margins-drafts-');
    await writeFile(path.join(dir, 'avec-image.md'), '# Avec image\n\n![Carte](carte.png)\n\nTexte.\n');
    await writeFile(path.join(dir, 'sans-image.md'), '# Sans image\n\nTexte.\n');
    const output: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output.push(chunk.toString());
        done();
      },
    });
    const storage = new MemoryStorage();

    await importDraftsFromDir(storage, dir, pino({ level: 'info' }, stream));

    expect((await storage.drafts.listDrafts()).map((draft) => draft.id).sort()).toEqual([
      'avec-image',
      'sans-image',
    ]);
    const lines = output
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; file?: string; msg: string; changed?: string[] });
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      file: 'avec-image.md',
      changed: ['image "Carte" (carte.png) replaced by its alt text'],
    });
    expect(warnings[0]?.msg).toContain('avec-image.md');
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
