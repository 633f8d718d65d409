import type { z } from 'zod';
import type { WindowState } from './consultation.ts';
import type { draftSettingsSchema, draftSummarySchema } from './draftSchemas.ts';

/**
 * Draft ids are kebab-case, because they come from file names and appear in URLs and paths. New
 * ids must pass `draftIdSchema` (draftSchemas.ts); the store checks stored ids against the pattern
 * alone, so that a longer id an older import command let through still loads.
 */
export const DRAFT_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_DRAFT_ID_LENGTH = 100;

/** What the API says about a draft; `GET /api/drafts` answers a list of these. */
export type DraftSummary = z.infer<typeof draftSummarySchema>;

/** Name of the Y.XmlFragment that holds the editor content (TipTap Collaboration's default). */
export const CONTENT_FIELD = 'default';

/** What an admin may change about a draft (`PATCH /api/drafts/:draftId`). */
export type DraftSettings = z.infer<typeof draftSettingsSchema>;

/** A draft as the API shows it to one person: with the window's state and what they may do. */
export interface DraftView extends DraftSummary {
  windowState: WindowState;
  permissions: { edit: boolean; comment: boolean; suggest: boolean; configure: boolean };
}

/**
 * A draft's text for reading while the live editor downloads (`GET /api/drafts/:draftId/content`):
 * the live document, unsaved edits included, as the server renders it.
 */
export interface DraftContent {
  /**
   * HTML written by the schema's own renderer (TipTap's static renderer on the server): the markup
   * the editor would show, every text escaped, no script, no event handler. The client inserts
   * only this, never HTML from anywhere else.
   */
  html: string;
  /** The headings in document order, for the contents before the editor can list them. */
  headings: { level: number; text: string }[];
}
