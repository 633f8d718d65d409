// The rules the server checks input against. The facts they build on (threads.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { anchorSchema } from './anchoring/anchorSchemas.ts';
import { MAX_COMMENT_LENGTH, MAX_NOTE_LENGTH } from './threads.ts';

const body = z
  .string()
  .trim()
  .min(1, 'write something first')
  .max(MAX_COMMENT_LENGTH, `a comment is at most ${MAX_COMMENT_LENGTH} characters`);
const language = z
  .string()
  .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en, fr or es')
  .optional();

/** `POST /api/drafts/:draftId/threads` */
export const createThreadSchema = z.object({ anchor: anchorSchema, body, language }).strict();
/** `POST …/threads/:threadId/replies` */
export const replySchema = z.object({ body, language }).strict();
/** `PATCH …/comments/:commentId` */
export const editCommentSchema = z.object({ body }).strict();
/** `POST …/threads/:threadId/resolve` */
export const resolveSchema = z.object({ note: z.string().trim().max(MAX_NOTE_LENGTH).optional() }).strict();
