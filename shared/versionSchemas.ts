// The rules the server checks input against. The facts they build on (versions.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { MAX_VERSION_NAME } from './versions.ts';

/** `POST /api/drafts/:draftId/versions` */
export const publishVersionSchema = z
  .object({ name: z.string().trim().min(1, 'give the version a name').max(MAX_VERSION_NAME) })
  .strict();
