import * as Y from 'yjs';
import { z } from 'zod';
import { VISIBILITIES } from '../../../shared/consultation.ts';
import { DRAFT_ID_PATTERN } from '../../../shared/drafts.ts';
import { ACCOUNT_ROLES } from '../../../shared/roles.ts';
import type { Tables } from './commitQueue.ts';
import type { DocumentJournal } from './storage.ts';

// What start-up accepts as a store file. The schemas check what the store itself relies on (ids,
// the fields records are found by, the document state) and let other fields through untouched,
// so records written by older versions (fields missing that `upgrade` fills) and by services
// that added a field still load. Anything else is damage, refused with the path of the problem.

/** `margins.json`: every record besides document bytes. */
export interface IndexData extends Tables {
  formatVersion: 1;
}

/** `documents/<draftId>.json`: one draft's state and journal. */
export interface DocumentData {
  draftId: string;
  /** The Yjs state as one compacted update, base64-encoded (JSON has no bytes). */
  state: string;
  savedAt: string;
  /** Edit bursts and server changes not yet in the records (files written before it lack it). */
  journal?: DocumentJournal;
}

const text = z.string();
const id = z.string().min(1);
const draftId = z.string().regex(DRAFT_ID_PATTERN, 'is not a draft id');

const draft = z.looseObject({
  id: draftId,
  title: text,
  language: text,
  createdAt: text,
  updatedAt: text,
  visibility: z.enum(VISIBILITIES).optional(),
  window: z.looseObject({ opensAt: text, closesAt: text }).optional(),
});
const user = z.looseObject({ id, email: text, passwordHash: text, role: z.enum(ACCOUNT_ROLES) });
const session = z.looseObject({ id, userId: id, expiresAt: text });
const invite = z.looseObject({ id, tokenHash: text, role: z.enum(ACCOUNT_ROLES), usedAt: text.nullable() });
const thread = z.looseObject({ id, draftId, anchor: z.looseObject({}), status: text });
const comment = z.looseObject({ id, threadId: id, draftId, body: text });
const suggestion = z.looseObject({ id, draftId, status: text, anchor: z.looseObject({}) });
const logEntry = z.looseObject({ seq: z.int().positive(), draftId, type: text, prevHash: text, hash: text });
const version = z.looseObject({ id, draftId, name: text, logSeq: z.int() });

const indexSchema = z
  .looseObject({
    formatVersion: z.literal(1, 'is not 1 (a file of another or newer version of Margins?)'),
    drafts: z.array(draft),
    // Tables added by later versions: absent in older files, filled in by `upgrade`.
    users: z.array(user).optional(),
    sessions: z.array(session).optional(),
    invites: z.array(invite).optional(),
    threads: z.array(thread).optional(),
    comments: z.array(comment).optional(),
    suggestions: z.array(suggestion).optional(),
    changelog: z.array(logEntry).optional(),
    versions: z.array(version).optional(),
  })
  .superRefine((data, ctx) => {
    const seen = new Set<string>();
    data.drafts.forEach((d, i) => {
      if (seen.has(d.id))
        ctx.addIssue({ code: 'custom', path: ['drafts', i, 'id'], message: `repeats "${d.id}"` });
      seen.add(d.id);
    });
  });

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A base64 Yjs update that a fresh document accepts (what `Y.encodeStateAsUpdate` wrote). */
const yjsState = text.superRefine((value, ctx) => {
  if (!base64.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'is not base64' });
    return;
  }
  try {
    // Reads every struct and the delete set, as applying would, without building a document
    // (about a fifth of the cost; a draft is decoded only when first changed).
    Y.parseUpdateMeta(Buffer.from(value, 'base64'));
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `is not a Yjs update that can be read (${(error as Error).message})`,
    });
  }
});

const journal = z.looseObject({
  authors: z.record(text, text),
  bursts: z.array(
    z.looseObject({
      id,
      userId: id,
      startedAt: text,
      lastAt: text,
      clients: z.record(text, z.int().nonnegative()),
      deletes: text.regex(base64, 'is not base64'),
    }),
  ),
  intents: z.array(
    z.looseObject({
      id,
      kind: z.enum(['suggestion.accepted', 'suggestion.reverted']),
      suggestionId: id,
      patch: z.looseObject({}),
      log: z.looseObject({ at: text, changes: z.array(z.unknown()) }),
    }),
  ),
});

function documentSchema(expectedId: string) {
  return z.looseObject({
    draftId: z.literal(expectedId, `is not "${expectedId}", the draft this file is named after`),
    state: yjsState,
    savedAt: text,
    journal: journal.optional(),
  });
}

/** The first problem of `value` as a margins.json, or undefined when it is one. */
export function indexProblem(value: unknown): string | undefined {
  return firstProblem(indexSchema.safeParse(value, { reportInput: true }));
}

/** The first problem of `value` as the document file of `draftId`, or undefined when it is one. */
export function documentProblem(value: unknown, draftId: string): string | undefined {
  return firstProblem(documentSchema(draftId).safeParse(value, { reportInput: true }));
}

function firstProblem(result: { success: boolean; error?: z.ZodError }): string | undefined {
  const issue = result.error?.issues[0];
  if (!issue) return undefined;
  const where = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  // zod says "expected object, received null"; for the whole file, say what that means.
  return where ? `${where} ${explain(issue)}` : `it holds ${explain(issue)}, not the store's data`;
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.path.length > 0 && issue.input === undefined && issue.code !== 'custom') return 'is missing';
  if (issue.code === 'invalid_type') {
    const found = issue.input;
    const received = found === null ? 'null' : Array.isArray(found) ? 'a list' : typeof found;
    if (issue.path.length === 0) return received;
    return found === undefined ? 'is missing' : `is not a ${issue.expected} (found ${received})`;
  }
  return issue.message;
}
