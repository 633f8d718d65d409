import { z } from 'zod';
import { CHANGE_TYPES, type ChangeLogEntry } from '../../../shared/changelog.ts';
import { ROLES } from '../../../shared/roles.ts';

// The shape of one entry of an exported change log, checked before its hash is recomputed.
// Objects are strict: a field the log does not define would not be covered by the hash, so an
// entry that carries one is refused rather than silently accepted.

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hash (64 lowercase hex digits)');

const logActorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    organisation: z.string().nullable(),
  })
  .strict();

const textChangeSchema = z
  .object({ section: z.string().nullable(), before: z.string(), after: z.string() })
  .strict();

/** One sealed change-log entry as it appears in `changelog.json`. */
export const changeLogEntrySchema = z
  .object({
    seq: z.number().int().positive(),
    at: z.iso.datetime({ offset: true }),
    draftId: z.string().min(1),
    actor: logActorSchema.nullable(),
    type: z.enum(CHANGE_TYPES),
    section: z.string().nullable(),
    changes: z.array(textChangeSchema),
    rationale: z.string().nullable(),
    threadId: z.string().nullable(),
    suggestionId: z.string().nullable(),
    versionId: z.string().nullable(),
    detail: z.string().nullable(),
    prevHash: sha256Hex,
    hash: sha256Hex,
    burst: z
      .object({
        id: z.string().min(1),
        startedAt: z.iso.datetime({ offset: true }),
        endedAt: z.iso.datetime({ offset: true }),
      })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<ChangeLogEntry>;
