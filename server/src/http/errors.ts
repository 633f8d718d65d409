import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ErrorCode, errorEnvelope } from '../../../shared/errors.ts';
import { ServiceError } from '../serviceError.ts';
import { StoreUnavailableError } from '../storage/storage.ts';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Validation]: 400,
  [ErrorCode.AnchorInvalid]: 409,
  [ErrorCode.AlreadyDecided]: 409,
  [ErrorCode.SuggestionOutdated]: 409,
  [ErrorCode.PassageGone]: 409,
  [ErrorCode.NameTaken]: 409,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.ConsultationClosed]: 403,
  [ErrorCode.CrossSite]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.EmailTaken]: 409,
  [ErrorCode.LastAdmin]: 409,
  [ErrorCode.InviteInvalid]: 410,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.SlowDown]: 429,
  [ErrorCode.SignUpsLimited]: 429,
  [ErrorCode.Internal]: 500,
  [ErrorCode.ClientNotBuilt]: 503,
  [ErrorCode.DraftNeedsRepair]: 503,
  [ErrorCode.StoreUnavailable]: 503,
};

/** How long a client should wait before trying again while the store is unreachable. */
const STORE_RETRY_SECONDS = 5;

/** A request body that does not match its schema, with the offending fields. */
export class ValidationError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super('The request is not valid');
  }
}

/** Validates a request body against `schema`, or throws a ValidationError naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => ({
        path: issue.path.join('.') || '(body)',
        message: humane(issue, body),
      })),
    );
  }
  return result.data;
}

/** Zod's message, except for a field left out, which reads as such ("required", not a type error). */
function humane(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.code !== 'invalid_type') return issue.message;
  let value: unknown = body;
  for (const key of issue.path) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value === undefined ? `required (${issue.expected})` : issue.message;
}

export function sendError(res: Response, error: ServiceError): void {
  if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(STATUS[error.code]).json(errorEnvelope(error.code, error.message));
}

/** The last middleware: every failure becomes the `{ error: { code, message } }` envelope. */
export function errorHandler(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (error instanceof ServiceError) {
      sendError(res, error);
      return;
    }
    if (error instanceof ValidationError) {
      const summary = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      res.status(400).json(errorEnvelope(ErrorCode.Validation, summary, error.issues));
      return;
    }
    // Body-parser failures (malformed JSON, too large) carry a 4xx status and a `type`; the
    // router's (an address that does not decode, such as `%ZZ`) a 4xx status alone.
    const { status, type } = error as { status?: number; type?: string };
    if (status && status >= 400 && status < 500) {
      const message =
        status === 413
          ? 'The request body is too large.'
          : type === undefined
            ? 'The address of the request is not valid.'
            : 'The request body is not valid JSON.';
      res.status(status).json(errorEnvelope(ErrorCode.BadRequest, message));
      return;
    }
    if (error instanceof StoreUnavailableError) {
      logger.warn({ err: error.cause }, 'a request failed: the store cannot be reached');
      res.setHeader('Retry-After', String(STORE_RETRY_SECONDS));
      res
        .status(503)
        .json(
          errorEnvelope(
            ErrorCode.StoreUnavailable,
            'The server cannot reach its store right now, so nothing was changed. Try again in a moment.',
          ),
        );
      return;
    }
    logger.error({ err: error }, 'request failed');
    res.status(500).json(errorEnvelope(ErrorCode.Internal, 'Internal server error'));
  };
}
