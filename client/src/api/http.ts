import type { ErrorCode, ErrorEnvelope } from '../../../shared/errors.ts';

/** A refusal from the API, with the envelope's code (translated in the UI) and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly details: { path: string; message: string }[] = [],
    /** From `Retry-After`: when a rate-limited request may be tried again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the JSON API; throws ApiError for any non-2xx answer or a network failure. */
export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const envelope = payload as Partial<ErrorEnvelope> | undefined;
    throw new ApiError(
      response.status,
      envelope?.error?.code ?? 'internal',
      envelope?.error?.message ?? `${method} ${url} answered ${response.status}`,
      envelope?.error?.details,
      retryAfter(response.headers.get('retry-after')),
    );
  }
  return payload as T;
}

/** `Retry-After` in seconds (the server sends whole seconds, never a date). */
function retryAfter(header: string | null): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}
