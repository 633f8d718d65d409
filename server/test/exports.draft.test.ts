import type { Node as PMNode } from '@tiptap/pm/model';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COMMENT_MARK, SUGGESTION_MARK } from '../../shared/anchoring/locate.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { markdownToYjsState, parseDraftFile } from '../src/drafts/markdown.ts';
import { draftDocx } from '../src/exports/draftDocx.ts';
import {
  type DraftExportMeta,
  draftHtml,
  draftMarkdown,
  withoutAnchorMarks,
} from '../src/exports/draftExports.ts';
import { markPassage, snapshot } from '../src/passages/passages.ts';

const SERVER = Symbol('server');
const THREAD_ID = 'thread-7f3a9c';
const OTHER_THREAD_ID = 'thread-d41e07';
const SUGGESTION_ID = 'suggestion-2b81d4';
const URL = 'https://example.org/consultation?lang=fr&v=2';
const TITLE = 'Stratégie « ouverte » 2027–2031';
const META: DraftExportMeta = { title: TITLE, language: 'fr' };

const FIXTURE = `# Stratégie « ouverte » 2027–2031

Ce projet est soumis à la **consultation publique** jusqu'au *28 février* : voir [la page de la consultation](${URL}).

## Objectifs prioritaires

- Transparence des décisions
  - Publier chaque réponse «sans délai»
  - Suivre les engagements 🎯
- Participation élargie

1. Ouvrir les données ~~fermées~~ \`open-data\`
2. Évaluer chaque année
   1. Rapport d'étape
   2. Bilan **final**

> « La participation n'est pas une option. » — Comité de pilotage

### Versión en español

¿Cómo participar? ¡Envíe sus *comentarios*! La señora Muñoz coordina el año 2027. ✨

\`\`\`text
año = 2027
niño < adulto
\`\`\`

---

Fin du document.
`;

/** The fixture as the live draft: a comment over bold and plain text, a suggestion overlapping another. */
function fixtureDraft(): PMNode {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, markdownToYjsState(FIXTURE));
  const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
  const mark = (words: string, id: string, kind = COMMENT_MARK) =>
    markPassage(ydoc, fragment, id, rangeOf(snapshot(fragment).doc, words), SERVER, kind);
  mark('consultation publique jusqu', THREAD_ID);
  mark('Évaluer chaque', SUGGESTION_ID, SUGGESTION_MARK);
  mark('¿Cómo participar? ¡Envíe sus comentarios', OTHER_THREAD_ID);
  mark('sus comentarios! La señora', SUGGESTION_ID, SUGGESTION_MARK);
  const { doc } = snapshot(fragment);
  ydoc.destroy();
  return doc;
}

function rangeOf(doc: PMNode, words: string): { from: number; to: number } {
  let found: { from: number; to: number } | undefined;
  doc.descendants((node, pos) => {
    if (found || !node.isTextblock) return !found;
    const at = node.textContent.indexOf(words);
    if (at >= 0) found = { from: pos + 1 + at, to: pos + 1 + at + words.length };
    return false;
  });
  if (!found) throw new Error(`"${words}" is not in the document`);
  return found;
}

function markNames(doc: PMNode): Set<string> {
  const names = new Set<string>();
  doc.descendants((node) => {
    for (const mark of node.marks) names.add(mark.type.name);
  });
  return names;
}

/** Each textblock's text, in order; a code block's line breaks become Word line breaks, not text. */
function blockTexts(doc: PMNode): string[] {
  const texts: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    texts.push(node.textContent.replace(/\n/g, ''));
    return false;
  });
  return texts;
}

function expectNoAnchors(text: string) {
  for (const trace of [
    THREAD_ID,
    OTHER_THREAD_ID,
    SUGGESTION_ID,
    'data-thread-id',
    'data-suggestion-id',
    'comment-anchor',
    'suggestion-anchor',
  ]) {
    expect(text).not.toContain(trace);
  }
}

const EXPECTED_MARKDOWN = `---
title: "Stratégie « ouverte » 2027–2031"
language: "fr"
---

# Stratégie « ouverte » 2027–2031

Ce projet est soumis à la **consultation publique** jusqu'au *28 février* : voir [la page de la consultation](https://example.org/consultation?lang=fr&v=2).

## Objectifs prioritaires

- Transparence des décisions
  - Publier chaque réponse «sans délai»
  - Suivre les engagements 🎯
- Participation élargie

1. Ouvrir les données ~~fermées~~ \`open-data\`
2. Évaluer chaque année
   1. Rapport d'étape
   2. Bilan **final**

> « La participation n'est pas une option. » — Comité de pilotage

### Versión en español

¿Cómo participar? ¡Envíe sus *comentarios*! La señora Muñoz coordina el año 2027. ✨

\`\`\`text
año = 2027
niño < adulto
\`\`\`

---

Fin du document.
`;

describe('the draft fixture', () => {
  it('carries comment and suggestion marks, so the exports have something to strip', () => {
    const doc = fixtureDraft();
    expect(markNames(doc)).toEqual(
      new Set(['bold', 'italic', 'strike', 'code', 'link', 'comment', 'suggestion']),
    );
    expect(markNames(withoutAnchorMarks(doc))).toEqual(new Set(['bold', 'italic', 'strike', 'code', 'link']));
    expect(withoutAnchorMarks(doc).textContent).toBe(doc.textContent);
  });
});

describe('Markdown export', () => {
  it('writes the draft as a draft file: front matter, then the Markdown without any anchor', () => {
    const markdown = draftMarkdown(fixtureDraft(), META);
    expect(markdown).toBe(EXPECTED_MARKDOWN);
    expectNoAnchors(markdown);
  });

  it('imports back as the same document, title and language', () => {
    const doc = fixtureDraft();
    const parsed = parseDraftFile(draftMarkdown(doc, META));
    expect(parsed).toMatchObject({ title: TITLE, language: 'fr' });
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, markdownToYjsState(parsed.body));
    const reimported = snapshot(ydoc.getXmlFragment(CONTENT_FIELD)).doc;
    expect(reimported.textContent).toBe(doc.textContent);
    expect(blockTexts(reimported)).toEqual(blockTexts(doc));
    expect(reimported.eq(withoutAnchorMarks(doc))).toBe(true);
  });

  it('keeps a title that YAML would misread inside its quotes', () => {
    const title = 'Titre: "citation" # pas un commentaire';
    const parsed = parseDraftFile(draftMarkdown(fixtureDraft(), { title, language: 'es' }));
    expect(parsed).toMatchObject({ title, language: 'es' });
  });
});

describe('HTML export', () => {
  it('is a standalone UTF-8 HTML5 page in the draft language', () => {
    const html = draftHtml(fixtureDraft(), META);
    expect(html.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Stratégie « ouverte » 2027–2031</title>');
    expect(html).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);
    expect(html).not.toMatch(/<script|<link|src=/i);
  });

  it('renders headings, emphasis, the link, nested lists, the quote and the code block', () => {
    const html = draftHtml(fixtureDraft(), META);
    for (const expected of [
      '<h1>Stratégie « ouverte » 2027–2031</h1>',
      '<h2>Objectifs prioritaires</h2>',
      '<h3>Versión en español</h3>',
      `<strong>consultation publique</strong> jusqu'au <em>28 février</em>`,
      'href="https://example.org/consultation?lang=fr&amp;v=2">la page de la consultation</a>',
      '<ul><li><p>Transparence des décisions</p><ul><li><p>Publier chaque réponse «sans délai»</p></li>',
      '<li><p>Suivre les engagements 🎯</p></li></ul></li><li><p>Participation élargie</p></li></ul>',
      `<ol><li><p>Ouvrir les données <s>fermées</s> <code>open-data</code></p></li><li><p>Évaluer chaque année</p><ol><li><p>Rapport d'étape</p></li>`,
      `<blockquote><p>« La participation n'est pas une option. » — Comité de pilotage</p></blockquote>`,
      '<p>¿Cómo participar? ¡Envíe sus <em>comentarios</em>! La señora Muñoz coordina el año 2027. ✨</p>',
      '<pre><code class="language-text">año = 2027\nniño &lt; adulto</code></pre>',
      '<hr',
      '<p>Fin du document.</p>',
    ]) {
      expect(html).toContain(expected);
    }
    // The draft opens with its title, so the page does not repeat it.
    expect(html.match(/<h1>/g)).toHaveLength(1);
  });

  it('LIMIT-15 escapes the title and shows it when the draft does not open with it', () => {
    const html = draftHtml(fixtureDraft(), { title: 'Avis <&> "public"', language: 'es' });
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<title>Avis &#60;&#38;&#62; &#34;public&#34;</title>');
    expect(html).toContain('<h1>Avis &#60;&#38;&#62; &#34;public&#34;</h1>');
    expect(html).not.toContain('<&>');
  });

  it('leaves no comment or suggestion markup behind', () => {
    expectNoAnchors(draftHtml(fixtureDraft(), META));
  });
});

/** The DOCX's parts, as text. */
function unzipDocx(buffer: Buffer): Record<string, string> {
  expect(buffer.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  const files = unzipSync(new Uint8Array(buffer));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

function decodeXml(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (whole, code: string) => {
    if (code.startsWith('#x')) return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(Number(code.slice(1)));
    return named[code] ?? whole;
  });
}

interface WordParagraph {
  style: string | undefined;
  text: string;
  list: { numId: string; level: number } | undefined;
  xml: string;
}

function wordParagraphs(documentXml: string): WordParagraph[] {
  const body = documentXml.slice(documentXml.indexOf('<w:body>'));
  return [...body.matchAll(/<w:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/w:p>)/g)].map((match) => {
    const xml = match[1] ?? '';
    const numId = /<w:numId w:val="(\d+)"\/>/.exec(xml)?.[1];
    const level = /<w:ilvl w:val="(\d+)"\/>/.exec(xml)?.[1];
    return {
      style: /<w:pStyle w:val="([^"]+)"\/>/.exec(xml)?.[1],
      text: [...xml.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>/g)].map((t) => decodeXml(t[1] ?? '')).join(''),
      list: numId && level ? { numId, level: Number(level) } : undefined,
      xml,
    };
  });
}

/** The number format of a list's level, following numId → abstractNum in numbering.xml. */
function listFormat(numberingXml: string, numId: string, level: number): string | undefined {
  const abstractId = new RegExp(`<w:num w:numId="${numId}"[^>]*><w:abstractNumId w:val="(\\d+)"`).exec(
    numberingXml,
  )?.[1];
  const abstract = new RegExp(
    `<w:abstractNum w:abstractNumId="${abstractId}"[\\s\\S]*?</w:abstractNum>`,
  ).exec(numberingXml)?.[0];
  const lvl = new RegExp(`<w:lvl w:ilvl="${level}"[\\s\\S]*?</w:lvl>`).exec(abstract ?? '')?.[0];
  return /<w:numFmt w:val="(\w+)"/.exec(lvl ?? '')?.[1];
}

describe('DOCX export', () => {
  it('is a Word package whose paragraphs hold every block of the draft, in order', async () => {
    const doc = fixtureDraft();
    const files = unzipDocx(await draftDocx(doc, META));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/numbering.xml']),
    );
    const texts = wordParagraphs(files['word/document.xml'] ?? '').map((p) => p.text);
    expect(texts.filter(Boolean)).toEqual(blockTexts(doc).filter(Boolean));
  });

  it('gives headings Word heading styles and the quote and code their own', async () => {
    const files = unzipDocx(await draftDocx(fixtureDraft(), META));
    const paragraphs = wordParagraphs(files['word/document.xml'] ?? '');
    const styleOf = (text: string) => paragraphs.find((p) => p.text === text)?.style;
    expect(styleOf(TITLE)).toBe('Heading1');
    expect(styleOf('Objectifs prioritaires')).toBe('Heading2');
    expect(styleOf('Versión en español')).toBe('Heading3');
    expect(styleOf("« La participation n'est pas une option. » — Comité de pilotage")).toBe('Quote');
    expect(styleOf('año = 2027niño < adulto')).toBe('SourceCode');
    expect(paragraphs.some((p) => p.style === 'Title')).toBe(false);
    for (const id of ['Heading1', 'Heading2', 'Heading3', 'Quote', 'SourceCode']) {
      expect(files['word/styles.xml']).toContain(`w:styleId="${id}"`);
    }
    expect(files['word/styles.xml']).toContain('<w:lang w:val="fr"/>');
    expect(files['docProps/core.xml']).toContain(`<dc:title>${TITLE}</dc:title>`);
  });

  it('writes bold, italic, struck-through and code runs, and the link as a hyperlink to its URL', async () => {
    const files = unzipDocx(await draftDocx(fixtureDraft(), META));
    const paragraphs = wordParagraphs(files['word/document.xml'] ?? '');
    const intro = paragraphs.find((p) => p.text.startsWith('Ce projet'))?.xml ?? '';
    expect(intro).toMatch(/<w:b\/>[\s\S]*?<w:t xml:space="preserve">consultation publique<\/w:t>/);
    expect(intro).toMatch(/<w:i\/>[\s\S]*?<w:t xml:space="preserve">28 février<\/w:t>/);
    const item = paragraphs.find((p) => p.text.startsWith('Ouvrir les données'))?.xml ?? '';
    expect(item).toMatch(/<w:strike\/>[\s\S]*?<w:t xml:space="preserve">fermées<\/w:t>/);
    expect(item).toMatch(
      /<w:rFonts w:ascii="Courier New"[^>]*\/>[\s\S]*?<w:t xml:space="preserve">open-data<\/w:t>/,
    );
    const relId = /<w:hyperlink [^>]*r:id="([^"]+)"[^>]*>[\s\S]*?la page de la consultation/.exec(intro)?.[1];
    expect(relId).toBeDefined();
    const rels = files['word/_rels/document.xml.rels'] ?? '';
    const relationship = new RegExp(`<Relationship Id="${relId}"[^>]*/>`).exec(rels)?.[0] ?? '';
    expect(relationship).toContain('relationships/hyperlink');
    expect(relationship).toContain('TargetMode="External"');
    expect(decodeXml(/Target="([^"]+)"/.exec(relationship)?.[1] ?? '')).toBe(URL);
  });

  it('numbers the lists, nested levels included', async () => {
    const files = unzipDocx(await draftDocx(fixtureDraft(), META));
    const paragraphs = wordParagraphs(files['word/document.xml'] ?? '');
    const numbering = files['word/numbering.xml'] ?? '';
    const listOf = (text: string) => paragraphs.find((p) => p.text === text)?.list;
    const format = (text: string) => {
      const list = listOf(text);
      return list && listFormat(numbering, list.numId, list.level);
    };
    expect(listOf('Transparence des décisions')?.level).toBe(0);
    expect(listOf('Publier chaque réponse «sans délai»')?.level).toBe(1);
    expect(listOf('Participation élargie')?.level).toBe(0);
    expect(format('Transparence des décisions')).toBe('bullet');
    expect(format('Suivre les engagements 🎯')).toBe('bullet');
    expect(listOf('Ouvrir les données fermées open-data')).toEqual(listOf('Évaluer chaque année'));
    expect(format('Ouvrir les données fermées open-data')).toBe('decimal');
    expect(listOf("Rapport d'étape")?.level).toBe(1);
    expect(listOf("Rapport d'étape")).toEqual(listOf('Bilan final'));
    expect(format('Bilan final')).toBe('lowerLetter');
    expect(listOf('Fin du document.')).toBeUndefined();
  });

  it('leaves no trace of threads or suggestions in any part', async () => {
    const files = unzipDocx(await draftDocx(fixtureDraft(), META));
    expect(Object.keys(files).some((name) => name.includes('comments'))).toBe(false);
    for (const text of Object.values(files)) expectNoAnchors(text);
  });

  it('LIMIT-15 puts an escaped title first when the draft does not open with it, and drops unsafe links', async () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, markdownToYjsState('Texte [piège](javascript:alert(1)) & «fin»\n'));
    const doc = snapshot(ydoc.getXmlFragment(CONTENT_FIELD)).doc;
    const files = unzipDocx(await draftDocx(doc, { title: 'Avis <&> "public"', language: 'es' }));
    const paragraphs = wordParagraphs(files['word/document.xml'] ?? '');
    expect(paragraphs.map((p) => [p.style, p.text])).toEqual([
      ['Title', 'Avis <&> "public"'],
      [undefined, 'Texte piège & «fin»'],
    ]);
    expect(files['word/document.xml']).toContain('Avis &lt;&amp;&gt;');
    expect(files['word/document.xml']).not.toContain('<w:hyperlink');
    expect(files['word/_rels/document.xml.rels']).not.toContain('javascript:');
    expect(draftHtml(doc, META)).not.toContain('javascript:');
  });
});
