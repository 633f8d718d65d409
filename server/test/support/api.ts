import { expect } from 'vitest';
import type { StockClient } from './collabClient.ts';
import type { Identity } from './identities.ts';
import { eventually } from './retry.ts';

export interface Call {
  method?: string;
  /** JSON-encoded, unless already a string (to send malformed JSON). */
  body?: unknown;
  /** Whose session cookie to send. */
  as?: Pick<Identity, 'cookie'>;
}

/** A request to the API at `base`, as a script would make it: the answer's status, headers and JSON. */
export async function callApi(base: string, pathname: string, { method = 'GET', body, as }: Call = {}) {
  const headers: Record<string, string> = {};
  if (as) headers.cookie = as.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${pathname}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** Waits until every client has synced with the server. */
export async function synced(...each: StockClient[]): Promise<void> {
  await eventually(() => {
    for (const c of each) expect(c.provider.synced).toBe(true);
  });
}
