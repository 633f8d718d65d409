// The rules the server checks input against. The facts they build on (drafts.ts and consultation.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { VISIBILITIES } from './consultation.ts';
import { DRAFT_ID_PATTERN, MAX_DRAFT_ID_LENGTH } from './drafts.ts';

/** The one rule for a draft id, wherever one comes in: the API, the import command, DRAFTS_DIR. */
export const draftIdSchema = z
  .string()
  .min(1, 'a draft id cannot be empty')
  .max(MAX_DRAFT_ID_LENGTH, `a draft id is at most ${MAX_DRAFT_ID_LENGTH} characters`)
  .regex(DRAFT_ID_PATTERN, 'a draft id is lowercase letters, digits and single hyphens');

/** Why `id` is not a draft id (the first rule it breaks), or undefined when it is one. */
export function draftIdProblem(id: string): string | undefined {
  const result = draftIdSchema.safeParse(id);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** Whether `id` is a draft id, by the same rule (safe to put in a path or a URL). */
export function isDraftId(id: string): boolean {
  return draftIdSchema.safeParse(id).success;
}

/** Languages a draft may be written in (BCP 47 primary tags; not limited to the UI languages). */
export const draftLanguageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language is a tag such as en, fr or pt-BR');

/** When stakeholders may comment and suggest: from `opensAt` (inclusive) to `closesAt` (exclusive), ISO instants. */
export const consultationWindowSchema = z
  .object({
    opensAt: z.iso.datetime({ offset: true }),
    closesAt: z.iso.datetime({ offset: true }),
  })
  .refine((w) => Date.parse(w.opensAt) < Date.parse(w.closesAt), {
    message: 'the consultation must close after it opens',
    path: ['closesAt'],
  });

/** What the API says about a draft; `GET /api/drafts` answers a list of these. */
export const draftSummarySchema = z.object({
  id: draftIdSchema,
  title: z.string().min(1).max(300),
  language: draftLanguageSchema,
  visibility: z.enum(VISIBILITIES),
  window: consultationWindowSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** What an admin may change about a draft (`PATCH /api/drafts/:draftId`). */
export const draftSettingsSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    visibility: z.enum(VISIBILITIES),
    window: consultationWindowSchema,
  })
  .partial()
  .strict();
