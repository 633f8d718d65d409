/** Error codes of the `{ error: { code, message } }` envelope used by HTTP and the socket. */
export const ErrorCode = {
  NotFound: 'not_found',
  BadRequest: 'bad_request',
  Internal: 'internal',
  ClientNotBuilt: 'client_not_built',
  /** The body did not match the endpoint's schema; `details` lists the fields. */
  Validation: 'validation_failed',
  /** Sign in first. */
  Unauthenticated: 'unauthenticated',
  InvalidCredentials: 'invalid_credentials',
  /** Signed in, but this role may not do that. */
  Forbidden: 'forbidden',
  /** The draft's consultation window is not open. */
  ConsultationClosed: 'consultation_closed',
  /** A cross-site request to change something. */
  CrossSite: 'cross_site_request',
  EmailTaken: 'email_taken',
  InviteInvalid: 'invite_invalid',
  /** Refusing would leave nobody able to administer Margins. */
  LastAdmin: 'last_admin',
  /** Too many requests from this address or account: `Retry-After` says when to try again. */
  RateLimited: 'rate_limited',
  /** Wrong passwords for this account from this address: the next try must wait (`Retry-After`). */
  SlowDown: 'slow_down',
  /** Too many sign-ups from this address, or on the whole site, just now (`Retry-After`). */
  SignUpsLimited: 'sign_ups_limited',
  /** A comment's passage does not match the current text. */
  AnchorInvalid: 'anchor_invalid',
  /** The suggestion was already accepted, rejected, withdrawn or reverted. */
  AlreadyDecided: 'already_decided',
  /** The passage changed since the suggestion was made: accepting needs `confirmOutdated`. */
  SuggestionOutdated: 'suggestion_outdated',
  /** The suggestion's words are no longer in the draft, so it cannot be applied. */
  PassageGone: 'passage_gone',
  /** A version of this draft already has that name. */
  NameTaken: 'name_taken',
  /** The draft nests deeper than the editor can hold (stored before the limit): an admin must repair it. */
  DraftNeedsRepair: 'draft_needs_repair',
  /** The store (PostgreSQL) cannot be reached just now: nothing was changed; try again (`Retry-After`). */
  StoreUnavailable: 'store_unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: { path: string; message: string }[] };
}

export function errorEnvelope(
  code: ErrorCode,
  message: string,
  details?: { path: string; message: string }[],
): ErrorEnvelope {
  return { error: details ? { code, message, details } : { code, message } };
}
