import { Fragment, Slice } from '@tiptap/pm/model';
import { afterEach, describe, expect, it } from 'vitest';
import { contentSchema } from '../src/passages/passages.ts';
import { rangeOf } from './support/anchors.ts';
import { describeChanges, edit, RecordedDraft } from './support/recording.ts';
import { nodeType } from './support/seededEdits.ts';

// The change log's edit entries, driven through a real room with the editor binding's own
// transactions: each case is one the old recorder got wrong (issue 11).

const drafts: RecordedDraft[] = [];
afterEach(() => {
  for (const draft of drafts.splice(0)) draft.destroy();
});

async function opened(markdown: string) {
  const draft = await new RecordedDraft().open(markdown);
  drafts.push(draft);
  return draft;
}

const SAMPLE =
  '# Listening\n\nWe read every comment.\n\nWe answer in public.\n\n# Deciding\n\nThe task force decides.\n';

function paragraph(text: string) {
  return nodeType('paragraph').create(null, text ? contentSchema.text(text) : null);
}

describe('edit entries', () => {
  it('logs a paragraph inserted together with its text in one transaction (a paste)', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    edit(tom, (tr, doc) => {
      const { from, at, block } = rangeOf(doc, 'We answer in public.');
      tr.insert(from - at + block.length + 1, paragraph('We publish every answer.'));
    });
    expect(describeChanges(await draft.edits())).toEqual([
      ' → We publish every answer.'.replace(/^/, 'Tom: '),
    ]);
  });

  it('logs a paragraph replaced whole as its old words becoming its new ones', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    edit(tom, (tr, doc) => {
      const { from, at, block } = rangeOf(doc, 'We read every comment.');
      const start = from - at - 1;
      tr.replaceWith(start, start + block.length + 2, paragraph('We read and weigh every comment.'));
    });
    const entries = await draft.edits();
    expect(describeChanges(entries)).toEqual([
      'Tom: We read every comment. → We read and weigh every comment.',
    ]);
    expect(entries[0]?.changes[0]?.section).toBe('Listening');
  });

  it('logs both paragraphs of a two-paragraph paste', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    edit(tom, (tr, doc) => {
      const { from, at, block } = rangeOf(doc, 'We answer in public.');
      const end = from - at + block.length;
      const pasted = Fragment.from([paragraph('First pasted.'), paragraph('Second pasted.')]);
      tr.replace(end, end, new Slice(pasted, 1, 1));
    });
    expect(describeChanges(await draft.edits())).toEqual([
      'Tom: We answer in public. → We answer in public.First pasted.',
      'Tom:  → Second pasted.',
    ]);
  });

  it('keeps a split paragraph whole: typing a sentence before another and pressing Enter logs the new paragraph, not a deletion', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    edit(tom, (tr, doc) => {
      const { from } = rangeOf(doc, 'We answer in public.');
      tr.insertText('Openly. ', from);
    });
    edit(tom, (tr, doc) => {
      const { from } = rangeOf(doc, 'We answer in public.');
      tr.split(from);
    });
    const entries = await draft.edits();
    expect(describeChanges(entries)).toEqual(['Tom:  → Openly. ']);
    expect(entries[0]?.changes[0]?.section).toBe('Listening');
  });

  it('CHAIN-6 gives two people editing the same paragraph at the same moment each their own words', async () => {
    const draft = await opened(SAMPLE);
    const ann = await draft.editor('Ann');
    const tom = await draft.editor('Tom');
    edit(ann, (tr, doc) => {
      const { from, at, block } = rangeOf(doc, 'The task force decides.');
      tr.insertText(' In public', from - at + block.length - 1);
    });
    edit(tom, (tr, doc) => {
      const { from } = rangeOf(doc, 'The task force decides.');
      tr.insertText('Together, t', from);
      tr.delete(from + 'Together, t'.length, from + 'Together, t'.length + 1);
    });
    await draft.sync();
    const entries = await draft.edits();
    expect(describeChanges(entries).sort()).toEqual([
      'Ann: Together, the task force decides. → Together, the task force decides In public.',
      'Tom: The task force decides In public. → Together, the task force decides In public.',
    ]);
  });

  it('logs a 7 MiB paragraph', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    const long = 'word '.repeat((7 * 1024 * 1024) / 5);
    edit(tom, (tr, doc) => {
      const { from, at, block } = rangeOf(doc, 'The task force decides.');
      tr.insert(from - at + block.length + 1, paragraph(long));
    });
    const entries = await draft.edits();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.changes[0]?.after).toHaveLength(long.length);
  });

  it('CHAIN-6 stamps an entry with when the burst began and ended', async () => {
    const draft = await opened(SAMPLE);
    const tom = await draft.editor('Tom');
    edit(tom, (tr) => tr.insertText('A', 1));
    await draft.sync();
    await new Promise((resolve) => setTimeout(resolve, 30));
    edit(tom, (tr) => tr.insertText('B', 1));
    const [entry] = await draft.edits();
    expect(entry?.burst).toBeDefined();
    const { startedAt, endedAt } = entry?.burst ?? { startedAt: '', endedAt: '' };
    expect(Date.parse(endedAt) - Date.parse(startedAt)).toBeGreaterThanOrEqual(25);
    expect(entry?.at).toBe(endedAt);
  });
});
