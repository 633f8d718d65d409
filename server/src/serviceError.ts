import type { ErrorCode } from '../../shared/errors.ts';

/** A refusal a person can act on; the HTTP edge turns it into the error envelope and a status. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds after which trying again may work (rate limits). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
