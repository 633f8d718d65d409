/** Error codes of the `{ error: { code, message } }` envelope used by HTTP and the socket. */
export const ErrorCode = {
  NotFound: 'not_found',
  BadRequest: 'bad_request',
  Internal: 'internal',
  ClientNotBuilt: 'client_not_built',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string };
}

export function errorEnvelope(code: ErrorCode, message: string): ErrorEnvelope {
  return { error: { code, message } };
}
