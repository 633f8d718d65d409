import { z } from 'zod';
import { consultationWindowSchema, VISIBILITIES, type WindowState } from './consultation.ts';

/**
 * Draft ids are kebab-case, because they come from file names and appear in URLs and paths. New
 * ids must pass `draftIdSchema`; the store checks stored ids against the pattern alone, so that a
 * longer id an older import command let through still loads.
 */
export const DRAFT_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_DRAFT_ID_LENGTH = 100;

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
export type DraftSummary = z.infer<typeof draftSummarySchema>;

/** Name of the Y.XmlFragment that holds the editor content (TipTap Collaboration's default). */
export const CONTENT_FIELD = 'default';

/** What an admin may change about a draft (`PATCH /api/drafts/:draftId`). */
export const draftSettingsSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    visibility: z.enum(VISIBILITIES),
    window: consultationWindowSchema,
  })
  .partial()
  .strict();
export type DraftSettings = z.infer<typeof draftSettingsSchema>;

/** A draft as the API shows it to one person: with the window's state and what they may do. */
export interface DraftView extends DraftSummary {
  windowState: WindowState;
  permissions: { edit: boolean; comment: boolean; suggest: boolean; configure: boolean };
}
