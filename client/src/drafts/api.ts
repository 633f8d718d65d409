import type { DraftSummary } from '../../../shared/drafts.ts';

export class NotFoundError extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (response.status === 404) throw new NotFoundError(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export function fetchDrafts(): Promise<DraftSummary[]> {
  return getJson('/api/drafts');
}

export function fetchDraft(draftId: string): Promise<DraftSummary> {
  return getJson(`/api/drafts/${encodeURIComponent(draftId)}`);
}
